import {
  baseOf,
  findCloseMatches,
  cadenceMsOf,
  CANDLE_TABLE_BY_INTERVAL,
  isCandleTable,
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
 * The range of one series: after its watermark, else from `since`; up to the last closed candle.
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
  // Not clamped to the adapter's `earliestMs` here: the pager checks the horizon when it sends each
  // request (a long run can cross it after planning) and reports the stretch it could not fetch.
  let since = watermark !== null ? watermark + Math.max(stepMs, 1) : p.sinceMs;
  if (stepMs > 0) since = Math.ceil(since / stepMs) * stepMs;
  const closedUntil = stepMs > 0 ? Math.floor(nowMs / stepMs) * stepMs : nowMs;
  const untilMs = Math.min(p.untilMs ?? closedUntil, closedUntil);
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
}): Promise<SeriesPlan> {
  const series: PlannedSeries[] = [];
  const skipped: SkippedSeries[] = [];
  const listed = new Set<string>();
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

/** The bases listed on most configured exchanges (spot or perp), for `top: N`. Ties: alphabetical. */
export function topBases(
  adapters: readonly ExchangeAdapter[],
  markets: readonly Market[],
  n: number,
): string[] {
  const count = new Map<string, number>();
  for (const adapter of adapters) {
    const bases = new Set<string>();
    for (const market of markets) {
      for (const s of adapter.symbols(market)) {
        const base = baseOf(s);
        if (base && adapter.symbolFor(base, market) === s) bases.add(base);
      }
    }
    for (const b of bases) count.set(b, (count.get(b) ?? 0) + 1);
  }
  return [...count]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([b]) => b);
}
