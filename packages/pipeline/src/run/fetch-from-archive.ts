import type { ExchangeGeoBlockedError } from "../exchanges/geo-block.js";
import type { ExchangeAdapter } from "../exchanges/types.js";
import type { PlannedSeries } from "../plan/plan-series.js";
import { countsOf, recordBlocked, recordFailure, type RunReport } from "../report/run-report.js";
import { backfillFromArchive, createRestFillGap, isArchiveTable } from "../sources/archive/index.js";
import type { DatasetStore } from "../store/index.js";

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface FetchFromArchiveParams {
  readonly item: PlannedSeries;
  readonly adapter: ExchangeAdapter;
  /** Why REST cannot serve the series (the host and its remedy), or null when it can. */
  readonly blocked: ExchangeGeoBlockedError | null;
  readonly store: DatasetStore;
  readonly runId: string;
  readonly report: RunReport;
  readonly nowMs: number;
  /** For `CEXDATA_ARCHIVE_URL` and `CEXDATA_PROXY_ARCHIVE`. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * A series whose whole past days come from Binance's public archive (checksum-verified like any
 * archive backfill): always, with `archiveFirst`, REST filling the rest and the gaps; or because its
 * REST host refuses this runner, and then the rest is reported blocked with how far the archive
 * reached, because the tail after the last published day cannot be had without REST.
 * Commits what it imported.
 */
export async function fetchFromArchive(p: FetchFromArchiveParams): Promise<void> {
  const { series, sinceMs, untilMs } = p.item;
  const counts = countsOf(p.report, series.table, series.exchange);
  counts.series += 1;
  // Blocked: only whole past days, and from the archive alone. Otherwise REST fills the rest.
  const endMs = p.blocked === null ? untilMs : Math.floor(untilMs / DAY_MS) * DAY_MS;
  let reachMs = sinceMs;
  if (isArchiveTable(series.table) && endMs > sinceMs) {
    const result = await backfillFromArchive({
      store: p.store,
      runId: p.runId,
      market: series.market,
      symbol: series.symbol,
      table: series.table,
      startMs: sinceMs,
      endMs,
      nowMs: p.nowMs,
      env: p.env,
      ...(p.blocked === null
        ? { source: "auto", fillGap: createRestFillGap({ adapter: p.adapter, nowMs: () => p.nowMs }) }
        : { source: "archive" }),
    });
    const restRows = result.rest.reduce((n, r) => n + r.rows, 0);
    counts.fetched += result.fetched + restRows;
    counts.accepted += result.accepted + restRows;
    for (const [reason, n] of Object.entries(result.rejectedByReason))
      counts.quarantined[reason] = (counts.quarantined[reason] ?? 0) + n;
    for (const file of result.imported) reachMs = Math.max(reachMs, file.endMs);
    for (const failed of result.rest.filter((r) => r.error !== undefined)) {
      counts.failedSeries += 1;
      recordFailure(p.report, {
        table: series.table,
        exchange: series.exchange,
        market: series.market,
        symbol: series.symbol,
        error: "RestFillError",
        message: `${new Date(failed.startMs).toISOString()} to ${new Date(failed.endMs).toISOString()}: ${failed.error}`,
      });
    }
  }
  if (reachMs >= untilMs || p.blocked === null) return;
  const fromArchive =
    reachMs > sinceMs
      ? `days up to ${isoDay(reachMs - 1)} came from the archive (data.binance.vision); `
      : "";
  recordBlocked(p.report, {
    table: series.table,
    exchange: series.exchange,
    market: series.market,
    symbol: series.symbol,
    host: p.blocked.host,
    remedy: p.blocked.remedy,
    message:
      `${fromArchive}${new Date(reachMs).toISOString()} to ${new Date(untilMs).toISOString()} is missing: ` +
      `${p.blocked.host} refuses this location`,
  });
}
