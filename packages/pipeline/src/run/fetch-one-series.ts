import type { SpecGap } from "@cexdata/schema";
import { ExchangeGeoBlockedError } from "../exchanges/geo-block.js";
import type { ExchangeAdapter, SeriesRef, SeriesTable } from "../exchanges/types.js";
import type { Logger } from "../log/create-logger.js";
import type { PlannedSeries } from "../plan/plan-series.js";
import { countsOf, recordBlocked, recordFailure, type RunReport } from "../report/run-report.js";
import { StoppedError } from "../sources/rest/stop-on-abort.js";
import type { RequestStats } from "../exchanges/request-stats.js";
import { DiskFullError, type DatasetStore } from "../store/index.js";
import { mapDiskFullError } from "../store/map-disk-full-error.js";
import { addHorizonGap } from "./add-horizon-gap.js";
import { errorMessage, errorName } from "./describe-error.js";
import { fetchFromArchive } from "./fetch-from-archive.js";
import { blockedEntry } from "./record-blocked.js";
import type { GroupCommit } from "./group-commit.js";
import type { RunCycleParams } from "./run-cycle-params.js";
import type { SerialLock } from "./serial-lock.js";
import { stageSeries, type SeriesSink } from "./stage-series.js";

/** What one cycle shares with each of its series. */
export interface SeriesRunContext {
  readonly p: RunCycleParams;
  readonly runId: string;
  readonly report: RunReport;
  readonly log: Logger;
  /** Serialises the store's use across the exchanges fetching side by side. */
  readonly lock: SerialLock;
  readonly store: DatasetStore;
  /** Commits shared by the series that finish while one is waiting its turn. */
  readonly commits: GroupCommit;
  readonly sink: SeriesSink;
  readonly stats: RequestStats;
  /** The market's present (the run's `nowMs`). */
  readonly clock: () => number;
  /** Gaps per table, written into spec.json at the end of the cycle. */
  readonly gapsByTable: Map<SeriesTable, { gaps: SpecGap[]; series: SeriesRef[] }>;
}

/** How a series ended for the cycle: on to the next, stopped by a signal, or a full disk. */
export type SeriesOutcome = "done" | "stopped" | { readonly diskFull: DiskFullError };

/** A series fetched and staged, its commit under way: the worker may start the next one. */
export interface SeriesCommitting {
  readonly committing: Promise<SeriesOutcome>;
}

/** A series' gaps into the report, and into spec.json at the end of the cycle. */
function recordGaps(
  c: SeriesRunContext,
  series: SeriesRef,
  gaps: readonly SpecGap[],
  counts: { expected: number; present: number },
): void {
  if (gaps.length) {
    c.report.gaps.push({
      table: series.table,
      exchange: series.exchange,
      market: series.market,
      symbol: series.symbol,
      expected: counts.expected,
      present: counts.present,
      stretches: gaps.map((g) => ({ start: g.start, end: g.end, missing: g.missing })),
    });
  }
  const entry = c.gapsByTable.get(series.table) ?? { gaps: [], series: [] };
  entry.gaps.push(...gaps);
  entry.series.push(series);
  c.gapsByTable.set(series.table, entry);
}

/**
 * One series of a cycle: from the archive when its REST host is blocked (or `archiveFirst`), else
 * paged over REST, validated, staged and committed; failures, blocks and gaps go to the report.
 */
export async function fetchOneSeries(
  c: SeriesRunContext,
  item: PlannedSeries,
  adapter: ExchangeAdapter,
): Promise<SeriesOutcome | SeriesCommitting> {
  const { p, report, log, lock, store, clock } = c;
  const { series } = item;
  const blocked = adapter.blockedMarket(series.market);
  const archived = adapter.archivedTables.includes(series.table);
  if (blocked !== null && !archived) {
    recordBlocked(report, blockedEntry(series, blocked));
    return "done";
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
        runId: c.runId,
        report,
        nowMs: clock(),
        env: p.env ?? process.env,
      }),
    );
    return "done";
  }
  countsOf(report, series.table, series.exchange).series += 1;
  const previousTs = item.resumed ? item.sinceMs - 1 : null;
  // Stretches the exchange no longer kept when asked: gaps even if the series fails afterwards,
  // since the rows committed after them move the watermark past them.
  const lost: SpecGap[] = [];
  try {
    const watermark =
      previousTs === null ? null : await lock.run(() => store.readWatermark(series.table, series));
    const result = await stageSeries({
      planned: item,
      adapter,
      sink: c.sink,
      report,
      nowMs: clock(),
      marketClockMs: clock,
      onHorizon: (stretch) => addHorizonGap(lost, series, stretch),
      previousTs: watermark,
      stats: c.stats,
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
    recordGaps(c, series, [...lost, ...result.gaps], result);
    // Committed with the series finishing around it (see GroupCommit); the worker goes on meanwhile.
    return {
      committing: c.commits.commit().then(
        (commit) => {
          log.info(
            { exchange: adapter.id, table: series.table, symbol: series.symbol, version: commit.version },
            "series committed",
          );
          return "done" as const;
        },
        (caught: unknown) => settleFailure(c, series, adapter, caught),
      ),
    };
  } catch (caught) {
    if (lost.length) recordGaps(c, series, lost, { expected: 0, present: 0 });
    return settleFailure(c, series, adapter, caught);
  }
}

/** A series that failed (or was stopped, or blocked): reported, and what is safe of it committed. */
async function settleFailure(
  c: SeriesRunContext,
  series: SeriesRef,
  adapter: ExchangeAdapter,
  caught: unknown,
): Promise<SeriesOutcome> {
  const { p, report, log, store } = c;
  if (caught instanceof ExchangeGeoBlockedError) {
    log.warn({ exchange: adapter.id, table: series.table, symbol: series.symbol }, caught.message);
    recordBlocked(report, blockedEntry(series, caught));
    await c.commits.commit().catch(() => undefined);
    return "done";
  }
  const error = mapDiskFullError({
    error: caught,
    dir: p.datasetDir,
    writing: `the ${series.table} rows of ${series.exchange} ${series.symbol}`,
    version: store.spec?.version ?? 0,
  });
  let outcome: SeriesOutcome = "done";
  if (error instanceof StoppedError) {
    outcome = "stopped";
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
    // A full disk ends the whole run: every later commit would fail the same way.
    if (error instanceof DiskFullError) return { diskFull: error };
  }
  // Rows of a failed series stay staged only if they came oldest first; commit what is safe.
  await c.commits.commit().catch(() => undefined);
  return outcome;
}
