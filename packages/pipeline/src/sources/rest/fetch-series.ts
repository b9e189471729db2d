import { cadenceMsOf, isPresentOnly, TABLES } from "@cexdata/schema";
import {
  type ExchangeAdapter,
  type FetchedPage,
  type PageCursor,
  type PageQuery,
  type SeriesRef,
  type SeriesRow,
} from "../../exchanges/types.js";
import type { RequestStats } from "../../exchanges/request-stats.js";
import { fetchingFor } from "../../raw/capture-raw.js";
import { StoppedError, stopOnAbort } from "./stop-on-abort.js";
import { withRetry, type RetryPolicy } from "./with-retry.js";

export interface FetchSeriesParams {
  readonly adapter: ExchangeAdapter;
  readonly series: SeriesRef;
  /** [sinceMs, untilMs): event times wanted. */
  readonly sinceMs: number;
  readonly untilMs: number;
  /** The clock: candles not closed by it and events after it are dropped. */
  readonly nowMs: number;
  /**
   * The clock read before each request, for the adapter's `earliestMs`: a long run can cross a
   * source's horizon between planning and sending. `() => nowMs` by default.
   */
  readonly marketClockMs?: () => number;
  /**
   * Called with each stretch skipped because the source no longer keeps it ([startMs, endMs),
   * before the adapter's `earliestMs` when the request was sent), before that request is sent.
   */
  readonly onHorizon?: (stretch: { startMs: number; endMs: number }) => void;
  readonly stats?: RequestStats;
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The wall clock bans end on (Date.now). */
  readonly clockMs?: () => number;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  /**
   * Stops the series (a signal, a shutdown): no request starts after it aborts, the one in flight
   * is abandoned, and the series ends with `StoppedError` (its pages so far were yielded).
   */
  readonly signal?: AbortSignal;
}

export interface SeriesPage {
  readonly rows: SeriesRow[];
  /** Requests this page took, retries included. */
  readonly requests: number;
  /** The page size asked for. */
  readonly limit: number;
  /** How far the series is done: the next request's start (or untilMs at the end). */
  readonly progressMs: number;
  /**
   * Whether pages arrive oldest first. Newest-first series (paged back from the end) must be staged
   * whole, or a crash could store the newest rows and resume past the older ones.
   */
  readonly forward: boolean;
}

/**
 * Pages one series from `sinceMs` to `untilMs`, one request at a time, and yields each page as it
 * arrives so the caller validates and stages it at once (memory stays bounded on long backfills).
 * NetworkErrors are retried per request; anything else ends the series with that error.
 * Rows outside the range, still-forming candles and exact repeats across pages are dropped here;
 * malformed rows are kept for validation to quarantine.
 */
export async function* fetchSeries(p: FetchSeriesParams): AsyncGenerator<SeriesPage> {
  const stepMs = cadenceMsOf(p.series.table) ?? 0;
  // A reading of the present (a predicted funding rate) is stored for the step it was read in; only
  // rows of a past the exchange keeps close like candles.
  const closesLikeCandle = stepMs > 0 && !isPresentOnly(p.series.table);
  const keyColumns = TABLES[p.series.table].key as readonly string[];
  const keyOf = (r: SeriesRow) =>
    keyColumns.map((k) => String((r as Record<string, unknown>)[k])).join("\u0001");
  let cursor: PageCursor | null = { sinceMs: p.sinceMs, untilMs: p.untilMs };
  let previousKeys = new Set<string>();
  const stats = p.stats?.of(p.adapter.id);
  const marketClock = p.marketClockMs ?? (() => p.nowMs);
  while (cursor !== null && cursor.sinceMs < cursor.untilMs) {
    // Thrown, not returned: a newest-first series cut short must not look complete to its caller.
    if (p.signal?.aborted) throw new StoppedError(p.signal);
    // The start is checked against the horizon as it is when sent: asking further back is refused
    // (Binance open interest) or answered with nothing (OKX), and either way the stretch is lost.
    const earliestMs = p.adapter.earliestMs(p.series.table, marketClock());
    if (cursor.sinceMs < earliestMs) {
      const lostUntil = Math.min(earliestMs, cursor.untilMs);
      p.onHorizon?.({ startMs: cursor.sinceMs, endMs: lostUntil });
      cursor = { sinceMs: lostUntil, untilMs: cursor.untilMs };
      if (cursor.sinceMs >= cursor.untilMs) return;
    }
    const before = stats?.requests ?? 0;
    const query: PageQuery = { ...cursor, series: p.series, nowMs: p.nowMs };
    const page: FetchedPage = await stopOnAbort(
      // Bodies of what the exchange forgets reach the raw layer named by this series and page start.
      withRetry(
        () =>
          fetchingFor({ table: p.series.table, symbol: p.series.symbol, sinceMs: query.sinceMs }, () =>
            p.adapter.fetchPage(query),
          ),
        {
          exchange: p.adapter.ccxt,
          policy: p.retry,
          stats,
          sleep: p.sleep,
          clockMs: p.clockMs,
          onRetry: p.onRetry,
        },
      ),
      p.signal,
    );
    const keys = new Set<string>();
    const rows = page.rows.filter((row) => {
      const ts = row.ts;
      if (Number.isFinite(ts)) {
        if (ts < p.sinceMs || ts >= p.untilMs || ts > p.nowMs) return false;
        if (closesLikeCandle && ts + stepMs > p.nowMs) return false;
      }
      const key = keyOf(row);
      keys.add(key);
      return !previousKeys.has(key);
    });
    previousKeys = keys;
    const next: PageCursor | null = page.next;
    // A cursor that does not move would loop forever: treat it as the end.
    if (next !== null && next.sinceMs === cursor.sinceMs && next.untilMs === cursor.untilMs) cursor = null;
    else cursor = next;
    const forward = next === null || next.untilMs === p.untilMs;
    yield {
      forward,
      rows,
      requests: stats ? stats.requests - before : 1,
      limit: page.limit,
      progressMs: cursor === null ? p.untilMs : cursor.sinceMs,
    };
  }
}
