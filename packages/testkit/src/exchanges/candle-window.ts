import {
  candlesEndMs,
  derivePriceCandles,
  INTERVAL_MS,
  symbolLife,
  type PriceKind,
  type SeriesSource,
  type SimCandle,
  type SimInterval,
} from "../series/index.js";

export interface CandleWindowParams {
  exchange: string;
  symbol: string;
  interval: SimInterval;
  /** Earliest open time wanted (inclusive). */
  fromMs?: number;
  /** Latest open time wanted (inclusive). */
  toMs?: number;
  limit: number;
  /** "start": the `limit` oldest candles from fromMs (Binance); "end": the `limit` newest up to toMs. */
  anchor: "start" | "end";
  nowMs: number;
}

/** The candles one page answers, oldest first, including the one still forming at nowMs. */
export function candlesInWindow(series: SeriesSource, p: CandleWindowParams): SimCandle[] {
  const ms = INTERVAL_MS[p.interval];
  const life = symbolLife(p.exchange, p.symbol);
  const first = Math.ceil(Math.max(p.fromMs ?? life.listedMs, Math.floor(life.listedMs / ms) * ms) / ms) * ms;
  const lastOpen =
    Math.floor(
      Math.min(p.toMs ?? Number.POSITIVE_INFINITY, p.nowMs, candlesEndMs(p.exchange, p.symbol) - 1) / ms,
    ) * ms;
  if (lastOpen < first || p.limit <= 0) return [];
  const [startMs, endMs] =
    p.anchor === "start" && p.fromMs !== undefined
      ? [first, Math.min(first + p.limit * ms, lastOpen + ms)]
      : [Math.max(first, lastOpen - (p.limit - 1) * ms), lastOpen + ms];
  return series
    .candles({ exchange: p.exchange, symbol: p.symbol, interval: p.interval, startMs, endMs, nowMs: p.nowMs })
    .slice(0, p.limit);
}

/** A perpetual's mark, index or premium-index candles over the same window as its trade candles. */
export function priceCandlesInWindow(series: SeriesSource, kind: PriceKind, p: CandleWindowParams) {
  return derivePriceCandles(
    series.seed,
    p.exchange,
    p.symbol,
    kind,
    candlesInWindow(series, p),
    INTERVAL_MS[p.interval],
  );
}

/** `[ts, open, high, low, close]` as strings: how Bybit and OKX start a kline row. */
export function ohlcStrings(c: {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}): string[] {
  return [String(c.ts), String(c.open), String(c.high), String(c.low), String(c.close)];
}

/** Parses an integer query parameter; undefined when absent. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

export function clampLimit(requested: number | undefined, fallback: number, cap: number): number {
  return Math.max(1, Math.min(cap, requested ?? fallback));
}

/** A symbol's last 24 hours as a ticker reports them. */
export interface LastDay {
  readonly first: SimCandle;
  readonly last: SimCandle;
  readonly high: number;
  readonly low: number;
  /** Base units. */
  readonly volume: number;
  readonly quoteVolume: number;
  readonly trades: number;
}

/**
 * The candles of the 24 hours before `nowMs` (the one forming included) summed up, as every
 * exchange's 24 h ticker does; undefined when the symbol has none (not listed then).
 */
export function lastDayOf(
  series: SeriesSource,
  p: { exchange: string; symbol: string; interval: SimInterval; nowMs: number },
): LastDay | undefined {
  const day = series.candles({ ...p, startMs: p.nowMs - 86_400_000, endMs: p.nowMs + 1 });
  const first = day[0];
  const last = day[day.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return {
    first,
    last,
    high: Math.max(...day.map((c) => c.high)),
    low: Math.min(...day.map((c) => c.low)),
    volume: day.reduce((s, c) => s + c.volume, 0),
    quoteVolume: day.reduce((s, c) => s + c.quoteVolume, 0),
    trades: day.reduce((s, c) => s + c.trades, 0),
  };
}
