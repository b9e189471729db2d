import { randomBytes } from "node:crypto";
import type { Market, SpecGap, TableName } from "@cexdata/schema";
import { resolveSince, type PipelineConfig } from "../config/config-schema.js";
import { ExchangeGeoBlockedError } from "../exchanges/geo-block.js";
import { RefusedHosts } from "../exchanges/refused-hosts.js";
import { createAdapter } from "../exchanges/registry.js";
import type { ExchangeAdapter, SeriesRef, SeriesTable } from "../exchanges/types.js";
import type { Logger } from "../log/create-logger.js";
import {
  UnknownSymbolError,
  planRange,
  planSeries,
  seriesTablesOf,
  topBases,
  type PlannedSeries,
} from "../plan/plan-series.js";
import { closeMatches } from "../config/close-matches.js";
import {
  countsOf,
  createRunReport,
  recordBlocked,
  recordFailure,
  recordNotServed,
  type RunReport,
} from "../report/run-report.js";
import { writeRunReport } from "../report/write-report.js";
import { RequestStats } from "../sources/rest/request-stats.js";
import { StoppedError, stopOnAbort } from "../sources/rest/stop-on-abort.js";
import { withRetry, type RetryPolicy } from "../sources/rest/with-retry.js";
import { DiskFullError, openDatasetStore } from "../store/index.js";
import { mapDiskFullError } from "../store/map-disk-full-error.js";
import { appendQuarantine, quarantinePath } from "../validate/index.js";
import { SerialLock } from "./serial-lock.js";
import { stageSeries } from "./stage-series.js";
import { addHorizonGap } from "./add-horizon-gap.js";
import { finishCycle } from "./finish-cycle.js";
import { fetchFromArchive } from "./fetch-from-archive.js";
import { blockedEntry, recordBlockedExchanges } from "./record-blocked.js";
import { redactUrlCredentials } from "../log/redact-url-credentials.js";

export interface RunCycleParams {
  readonly config: PipelineConfig;
  readonly datasetDir: string;
  readonly logger: Logger;
  /** `run`, `backfill`, ... as written in the report. */
  readonly command?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly nowMs?: () => number;
  readonly retry?: RetryPolicy;
  /** Per-request timeout of every exchange (ccxt `timeout`), 30 s by default. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The wall clock that waits and bans are measured on (Date.now); tests pass the one `sleep` advances. */
  readonly clockMs?: () => number;
  /** Explicit series instead of the config's (backfill); `sinceMs`/`untilMs` bound each. */
  readonly only?: { series: SeriesRef; sinceMs: number; untilMs?: number }[];
  /** Per-series progress, for progress bars. */
  readonly onProgress?: (event: {
    series: SeriesRef;
    sinceMs: number;
    untilMs: number;
    progressMs: number;
    rows: number;
  }) => void;
  readonly signal?: AbortSignal;
}

export interface RunCycleResult {
  readonly report: RunReport;
  readonly reportFile: string;
}

export function newRunId(nowMs: number): string {
  return `${new Date(nowMs).toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
}

const errorName = (e: unknown) => (e instanceof Error ? e.constructor.name || e.name : "Error");
// Through the report and the log: a URL's password (a proxy's, an override's) never reaches either.
const errorMessage = (e: unknown) => redactUrlCredentials(e instanceof Error ? e.message : String(e));

/**
 * One cycle: load markets, plan every series from the config and the stored watermarks, fetch and
 * stage them (exchanges in parallel, series one after another per exchange, committing after each
 * series so a crash loses at most the series in flight), then exchange_info, token_info, gaps and
 * the report. A failing series or exchange is reported and the rest goes on.
 */
export async function runCycle(p: RunCycleParams): Promise<RunCycleResult> {
  const clock = p.nowMs ?? Date.now;
  const startedAt = clock();
  const runId = newRunId(startedAt);
  const report = createRunReport({
    runId,
    command: p.command ?? "run",
    dataset: p.datasetDir,
    startedAtMs: startedAt,
  });
  const log = p.logger.child({ runId });
  const stats = new RequestStats();
  const lock = new SerialLock();
  // One set for the run: a host found geo-blocked is never asked again, a banned one not before its
  // ban ends, by any exchange's series.
  const refusedHosts = new RefusedHosts(p.clockMs);
  const store = await openDatasetStore({ dir: p.datasetDir, nowMs: clock });
  let quarantined = 0;
  // A full disk ends the whole run: every later commit would fail the same way.
  let diskFull: DiskFullError | null = null;
  let unfinished = 0;
  const halted = () => p.signal?.aborted === true || diskFull !== null;
  try {
    const exchangeIds = [
      ...new Set([...p.config.exchanges, ...(p.only ?? []).map((o) => o.series.exchange)]),
    ];
    const adapters: ExchangeAdapter[] = [];
    const blockedExchanges: { adapter: ExchangeAdapter; error: ExchangeGeoBlockedError }[] = [];
    for (const id of exchangeIds) {
      const adapter = createAdapter(id, { env: p.env, stats, timeoutMs: p.timeoutMs, refusedHosts });
      try {
        await stopOnAbort(
          withRetry(() => adapter.loadMarkets(), {
            exchange: adapter.ccxt,
            policy: p.retry,
            sleep: p.sleep,
            clockMs: p.clockMs,
            stats: stats.of(id),
          }),
          p.signal,
        );
        adapters.push(adapter);
      } catch (error) {
        if (error instanceof StoppedError) break;
        if (error instanceof ExchangeGeoBlockedError) {
          log.warn({ exchange: id, host: error.host }, `${error.message}; its series are reported blocked`);
          blockedExchanges.push({ adapter, error });
          continue;
        }
        log.error(
          { exchange: id, err: errorMessage(error) },
          `${id}: cannot load markets; its series are skipped`,
        );
        recordFailure(report, {
          table: "*",
          exchange: id,
          error: errorName(error),
          message: `loadMarkets: ${errorMessage(error)}`,
        });
      }
    }
    const sink = {
      stage: (table: TableName, rows: readonly unknown[]) =>
        lock.run(() => store.stage(table, rows as never, "rest")),
      quarantine: async (rejected: Parameters<typeof appendQuarantine>[2]) => {
        quarantined += rejected.length;
        await appendQuarantine(p.datasetDir, runId, rejected);
      },
    };

    const tables = p.only
      ? [...new Set(p.only.map((o) => o.series.table))]
      : seriesTablesOf(p.config.tables, p.config.intervals);
    const markets = p.config.markets as Market[];
    let planned: PlannedSeries[];
    let bases: string[] = [];
    if (p.only) {
      planned = [];
      for (const o of p.only) {
        const adapter = adapters.find((a) => a.id === o.series.exchange);
        if (!adapter) continue;
        if (!adapter.symbols(o.series.market).includes(o.series.symbol)) {
          const err = new UnknownSymbolError(
            adapter.id,
            o.series.symbol,
            closeMatches(o.series.symbol, adapter.symbols(o.series.market)),
          );
          recordFailure(report, {
            table: o.series.table,
            exchange: adapter.id,
            market: o.series.market,
            symbol: o.series.symbol,
            error: err.name,
            message: err.message,
          });
          continue;
        }
        const unsupported = adapter.unsupported(o.series.table, o.series.market);
        if (unsupported !== null) {
          recordNotServed(report, [
            {
              table: o.series.table,
              exchange: adapter.id,
              market: o.series.market,
              base: o.series.symbol,
              reason: unsupported,
            },
          ]);
          continue;
        }
        planned.push(
          await planRange({
            adapter,
            series: o.series,
            sinceMs: o.sinceMs,
            untilMs: o.untilMs,
            nowMs: clock(),
            readWatermark: (t, s) => lock.run(() => store.readWatermark(t, s)),
          }),
        );
      }
    } else {
      bases = p.config.bases ?? topBases(adapters, markets, p.config.top ?? 10);
      const plan = await planSeries({
        adapters,
        tables,
        markets,
        bases,
        sinceMs: resolveSince(p.config.since, clock()),
        nowMs: clock(),
        readWatermark: (t, s) => lock.run(() => store.readWatermark(t, s)),
      });
      planned = plan.series;
      recordNotServed(report, plan.skipped);
    }
    recordBlockedExchanges(report, blockedExchanges, {
      tables: p.only ? tables : [...tables, ...p.config.tables.filter((t) => t === "exchange_info")],
      markets: p.only ? [...new Set(p.only.map((o) => o.series.market))] : markets,
      bases: p.only ? p.only.map((o) => o.series.symbol) : (p.config.bases ?? []),
    });
    for (const adapter of adapters) {
      for (const market of markets) {
        const blocked = adapter.blockedMarket(market);
        if (blocked && !p.only && p.config.tables.includes("exchange_info")) {
          log.warn({ exchange: adapter.id, market, host: blocked.host }, blocked.message);
          recordBlocked(report, {
            table: "exchange_info",
            exchange: adapter.id,
            market,
            host: blocked.host,
            remedy: blocked.remedy,
            message: `${market} markets not refreshed: stored rows are kept as they were (stale), none invented`,
          });
        }
      }
    }
    log.info(
      { series: planned.length, exchanges: adapters.map((a) => a.id) },
      `planned ${planned.length} series`,
    );

    const gapsByTable = new Map<SeriesTable, { gaps: SpecGap[]; series: SeriesRef[] }>();
    await Promise.all(
      adapters.map(async (adapter) => {
        const mine = planned.filter((s) => s.series.exchange === adapter.id);
        for (const [i, item] of mine.entries()) {
          if (halted()) {
            unfinished += mine.length - i;
            return;
          }
          await fetchOne(item, adapter);
        }
      }),
    );

    /** A series' gaps into the report, and into spec.json at the end of the cycle. */
    function recordGaps(
      series: SeriesRef,
      gaps: readonly SpecGap[],
      counts: { expected: number; present: number },
    ): void {
      if (gaps.length) {
        report.gaps.push({
          table: series.table,
          exchange: series.exchange,
          market: series.market,
          symbol: series.symbol,
          expected: counts.expected,
          present: counts.present,
          stretches: gaps.map((g) => ({ start: g.start, end: g.end, missing: g.missing })),
        });
      }
      const entry = gapsByTable.get(series.table) ?? { gaps: [], series: [] };
      entry.gaps.push(...gaps);
      entry.series.push(series);
      gapsByTable.set(series.table, entry);
    }

    async function fetchOne(item: PlannedSeries, adapter: ExchangeAdapter): Promise<void> {
      const { series } = item;
      const blocked = adapter.blockedMarket(series.market);
      const archived = adapter.archivedTables.includes(series.table);
      if (blocked !== null && !archived) {
        recordBlocked(report, blockedEntry(series, blocked));
        return;
      }
      if (blocked !== null || (archived && p.config.archiveFirst && series.market === "perp")) {
        if (blocked !== null)
          log.warn(
            { exchange: adapter.id, table: series.table, symbol: series.symbol, host: blocked.host },
            "REST host blocked: closed days from the archive",
          );
        await lock.run(() =>
          fetchFromArchive({
            item,
            adapter,
            blocked,
            store,
            runId,
            report,
            nowMs: clock(),
            env: p.env ?? process.env,
          }),
        );
        return;
      }
      countsOf(report, series.table, series.exchange).series += 1;
      const previousTs = item.resumed ? item.sinceMs - 1 : null;
      // Stretches the exchange no longer kept when asked: gaps even if the series fails afterwards,
      // since the rows committed after them move the watermark past them.
      const lost: SpecGap[] = [];
      try {
        const result = await stageSeries({
          planned: item,
          adapter,
          sink,
          report,
          nowMs: clock(),
          marketClockMs: clock,
          onHorizon: (stretch) => addHorizonGap(lost, series, stretch),
          previousTs:
            previousTs === null ? null : await lock.run(() => store.readWatermark(series.table, series)),
          stats,
          retry: p.retry,
          sleep: p.sleep,
          clockMs: p.clockMs,
          signal: p.signal,
          onRetry: ({ attempt, delayMs, error }) =>
            log.warn(
              { exchange: adapter.id, symbol: series.symbol, attempt, delayMs: Math.round(delayMs) },
              `retrying: ${error.message}`,
            ),
          onPage: ({ rows, progressMs }) =>
            p.onProgress?.({ series, sinceMs: item.sinceMs, untilMs: item.untilMs, progressMs, rows }),
        });
        recordGaps(series, [...lost, ...result.gaps], result);
        const commit = await lock.run(() => store.commit());
        log.info(
          { exchange: adapter.id, table: series.table, symbol: series.symbol, version: commit.version },
          "series committed",
        );
      } catch (caught) {
        if (lost.length) recordGaps(series, lost, { expected: 0, present: 0 });
        if (caught instanceof ExchangeGeoBlockedError) {
          log.warn({ exchange: adapter.id, table: series.table, symbol: series.symbol }, caught.message);
          recordBlocked(report, blockedEntry(series, caught));
          await lock.run(() => store.commit()).catch(() => undefined);
          return;
        }
        const error = mapDiskFullError({
          error: caught,
          dir: p.datasetDir,
          writing: `the ${series.table} rows of ${series.exchange} ${series.symbol}`,
          version: store.spec?.version ?? 0,
        });
        if (error instanceof StoppedError) {
          unfinished += 1;
          log.warn(
            { exchange: adapter.id, table: series.table, symbol: series.symbol },
            `series stopped (${error.reason}): its rows so far that are safe to keep are committed`,
          );
        } else {
          log.error(
            { exchange: adapter.id, table: series.table, symbol: series.symbol },
            `series failed: ${errorMessage(error)}`,
          );
          recordFailure(report, {
            table: series.table,
            exchange: series.exchange,
            market: series.market,
            symbol: series.symbol,
            error: errorName(error),
            message: errorMessage(error),
          });
          if (error instanceof DiskFullError) {
            diskFull ??= error;
            return;
          }
        }
        // Rows of a failed series stay staged only if they came oldest first; commit what is safe.
        await lock.run(() => store.commit()).catch(() => undefined);
      }
    }

    if (diskFull === null)
      await lock.run(() =>
        finishCycle({ store, adapters, p, report, bases, tables, gapsByTable, nowMs: clock(), runId }),
      );
  } catch (error) {
    if (!(error instanceof DiskFullError)) throw error;
    diskFull ??= error;
    recordFailure(report, { table: "*", exchange: "*", error: error.name, message: error.message });
  } finally {
    report.requests = stats.toJSON();
    report.finishedAt = new Date(clock()).toISOString();
    report.quarantineFile = quarantined > 0 ? quarantinePath(p.datasetDir, runId) : null;
    if (p.signal?.aborted) {
      const reason = typeof p.signal.reason === "string" ? p.signal.reason : "aborted";
      report.stopped = { reason, unfinishedSeries: unfinished };
    }
    await store.close();
  }
  if (diskFull !== null) {
    // The store has freed its temp files, so the report may fit; if not, the error says it all.
    await writeRunReport(p.datasetDir, report).catch((error: unknown) =>
      log.warn(`cannot write the run report: ${errorMessage(error)}`),
    );
    throw diskFull;
  }
  const reportFile = await writeRunReport(p.datasetDir, report);
  return { report, reportFile };
}
