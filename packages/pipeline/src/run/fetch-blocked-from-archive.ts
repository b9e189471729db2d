import type { ExchangeGeoBlockedError } from "../exchanges/geo-block.js";
import type { PlannedSeries } from "../plan/plan-series.js";
import { countsOf, recordBlocked, type RunReport } from "../report/run-report.js";
import { backfillFromArchive, isArchiveTable } from "../sources/archive/index.js";
import type { DatasetStore } from "../store/index.js";

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface FetchBlockedFromArchiveParams {
  readonly item: PlannedSeries;
  /** Why REST cannot serve the series (the host and its remedy). */
  readonly blocked: ExchangeGeoBlockedError;
  readonly store: DatasetStore;
  readonly runId: string;
  readonly report: RunReport;
  readonly nowMs: number;
  /** For `CEXDATA_ARCHIVE_URL`. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * A series whose REST host refuses this runner: its whole past days from Binance's public archive
 * (checksum-verified like any archive backfill), and the rest reported as blocked with how far the
 * archive reached, because the tail after the last published day cannot be had without REST.
 * Commits what it imported.
 */
export async function fetchBlockedFromArchive(p: FetchBlockedFromArchiveParams): Promise<void> {
  const { series, sinceMs, untilMs } = p.item;
  const counts = countsOf(p.report, series.table, series.exchange);
  counts.series += 1;
  const wholeDaysEnd = Math.floor(untilMs / DAY_MS) * DAY_MS;
  let reachMs = sinceMs;
  if (isArchiveTable(series.table) && wholeDaysEnd > sinceMs) {
    const archiveUrl = p.env["CEXDATA_ARCHIVE_URL"];
    const result = await backfillFromArchive({
      store: p.store,
      runId: p.runId,
      market: series.market,
      symbol: series.symbol,
      table: series.table,
      startMs: sinceMs,
      endMs: wholeDaysEnd,
      nowMs: p.nowMs,
      source: "archive",
      ...(archiveUrl ? { archiveUrl } : {}),
    });
    counts.fetched += result.fetched;
    counts.accepted += result.accepted;
    for (const [reason, n] of Object.entries(result.rejectedByReason))
      counts.quarantined[reason] = (counts.quarantined[reason] ?? 0) + n;
    for (const file of result.imported) reachMs = Math.max(reachMs, file.endMs);
  }
  if (reachMs >= untilMs) return;
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
