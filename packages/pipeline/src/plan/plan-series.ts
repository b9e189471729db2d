import {
  baseOf,
  findCloseMatches,
  cadenceMsOf,
  CANDLE_TABLE_BY_INTERVAL,
  dueUntilOf,
  isCandleTable,
  isPresentOnly,
  isNativeInterval,
  isSeriesTable,
  type Market,
  type TableName,
} from "@cexdata/schema";
import type { ExchangeAdapter, SeriesRef, SeriesTable } from "../exchanges/types.js";

/** One series to fetch and the range still missing: [sinceMs, untilMs). */
export interface PlannedSeries {
  readonly series: SeriesRef;
  readonly sinceMs: number;
  readonly untilMs: number;
  /** Whether the series resumes after stored rows (false: a backfill from `since`). */
  readonly resumed: boolean;
}

/** A series the config asks for that is not fetched, and why. */
export interface SkippedSeries {
  readonly table: SeriesTable;
  readonly exchange: string;
  readonly market: Market;
  readonly base: string;
  readonly reason: string;
}

export interface SeriesPlan {
  readonly series: PlannedSeries[];
  readonly skipped: SkippedSeries[];
}

export class UnknownSymbolError extends Error {
  override readonly name = "UnknownSymbolError";
  constructor(
    readonly exchange: string,
    readonly symbol: string,
    readonly didYouMean: readonly string[],
  ) {
    super(
      `${exchange}: unknown symbol ${JSON.stringify(symbol)}` +
        (didYouMean.length ? `; did you mean ${didYouMean.map((s) => JSON.stringify(s)).join(", ")}?` : ""),
    );
  }
}

/** Reads the last stored ts of a series (the store's watermark); null when none. */
export type ReadWatermark = (
  table: TableName,
  series: { exchange: string; symbol: string; market?: Market },
) => Promise<number | null>;

/** Series tables a config's `tables` and `intervals` ask for, OHLCV first. */
export function seriesTablesOf(tables: readonly string[], intervals: readonly string[]): SeriesTable[] {
  const ohlcv = intervals
    .filter(isNativeInterval)
    .map((i) => CANDLE_TABLE_BY_INTERVAL[i])
    .filter((t) => tables.includes(t));
  const rest = tables.filter((t): t is SeriesTable => isSeriesTable(t) && !isCandleTable(t));
  return [...new Set([...ohlcv, ...rest])];
}

/**
 * The range of one series: after its watermark, else from `since`; up to the last closed candle (or
 * through the step running, for a table read as of now).
 * It may start before what the exchange still keeps: that stretch is reported as a gap when fetched.
 */
export async function planRange(p: {
  adapter: ExchangeAdapter;
  series: SeriesRef;
  sinceMs: number;
  untilMs?: number;
  nowMs: number;
  readWatermark: ReadWatermark;
}): Promise<PlannedSeries> {
  const { series, nowMs } = p;
  const stepMs = cadenceMsOf(series.table) ?? 0;
  const watermark = await p.readWatermark(series.table, {
    exchange: series.exchange,
    symbol: series.symbol,
    market: series.market,
  });
  const dueUntil = dueUntilOf(series.table, nowMs);
  // Not clamped to the adapter's `earliestMs` here: the pager checks the horizon when it sends each
  // request (a long run can cross it after planning) and reports the stretch it could not fetch.
  // A table read as of now has nothing before its first reading: a new series starts at the step
  // running, where a resumed one starts after its last reading (the steps between are gaps).
  let since =
    watermark !== null
      ? watermark + Math.max(stepMs, 1)
      : isPresentOnly(series.table)
        ? dueUntil - stepMs
        : p.sinceMs;
  if (stepMs > 0) since = Math.ceil(since / stepMs) * stepMs;
  const untilMs = Math.min(p.untilMs ?? dueUntil, dueUntil);
  return { series, sinceMs: since, untilMs, resumed: watermark !== null };
}

/**
 * What a run fetches: every (table, exchange, market, base) of the config that the exchange serves,
 * each resuming after its last stored row. Bases no configured exchange lists are an error naming
 * close matches; a base missing on one exchange is skipped with the reason.
 */
export async function planSeries(p: {
  adapters: readonly ExchangeAdapter[];
  tables: readonly SeriesTable[];
  markets: readonly Market[];
  bases: readonly string[];
  sinceMs: number;
  nowMs: number;
  readWatermark: ReadWatermark;
  /**
   * Bases stored in exchange_info: one this listing lacks (delisted, or missing from a truncated
   * answer) has its series skipped with a reason, where an unknown base fails the run.
   */
  storedBases?: ReadonlySet<string>;
}): Promise<SeriesPlan> {
  const series: PlannedSeries[] = [];
  const skipped: SkippedSeries[] = [];
  const listed = new Set<string>(p.storedBases);
  for (const adapter of p.adapters) {
    for (const market of p.markets) for (const s of adapter.symbols(market)) listed.add(baseOf(s));
  }
  for (const base of p.bases) {
    if (listed.size > 0 && !listed.has(base)) {
      throw new UnknownSymbolError(
        p.adapters.map((a) => a.id).join(","),
        base,
        findCloseMatches(base, [...listed]),
      );
    }
  }
  for (const table of p.tables) {
    for (const adapter of p.adapters) {
      for (const market of p.markets) {
        for (const base of p.bases) {
          const unsupported = adapter.unsupported(table, market);
          if (unsupported !== null) {
            skipped.push({ table, exchange: adapter.id, market, base, reason: unsupported });
            continue;
          }
          const symbol = adapter.symbolFor(base, market);
          if (symbol === undefined) {
            skipped.push({
              table,
              exchange: adapter.id,
              market,
              base,
              reason: `${base} has no ${market} market on ${adapter.id}`,
            });
            continue;
          }
          const ref: SeriesRef = { table, exchange: adapter.id, market, symbol };
          const planned = await planRange({
            adapter,
            series: ref,
            sinceMs: p.sinceMs,
            nowMs: p.nowMs,
            readWatermark: p.readWatermark,
          });
          if (planned.sinceMs < planned.untilMs) series.push(planned);
        }
      }
    }
  }
  return { series, skipped };
}
