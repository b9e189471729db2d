import { roundTo, unitAt } from "./hash.js";
import { modelSymbol, priceAt, type SymbolModel } from "./price-model.js";
import { candlesEndMs, isListedAt, isZombieAt, symbolLife } from "./symbol-life.js";

/** One simulated candle. `ts` is the open time in epoch ms; numbers are already rounded to the tick. */
export interface SimCandle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
}

export type SimInterval = "1m" | "1h" | "1d";

export const INTERVAL_MS: Readonly<Record<SimInterval, number>> = {
  "1m": 60_000,
  "1h": 3_600_000,
  "1d": 86_400_000,
};

export interface GenerateCandlesParams {
  seed: number;
  exchange: string;
  /** ccxt unified symbol, e.g. "BTC/USDT" or "BTC/USDT:USDT". */
  symbol: string;
  interval: SimInterval;
  /** Closed-open range [startMs, endMs) of candle open times. */
  startMs: number;
  endMs: number;
  /**
   * The simulated present. Candles opening after it are not returned; the one containing it is
   * still forming and aggregates only the minutes up to it. Omit for "everything is closed".
   */
  nowMs?: number;
}

const MINUTE = INTERVAL_MS["1m"];

function generateMinute(model: SymbolModel, ts: number, open: number, close: number): SimCandle {
  const tick = 10 ** -model.priceDecimals;
  const u1 = unitAt(model.seriesKey ^ 0x1f, ts);
  const u2 = unitAt(model.seriesKey ^ 0x2f, ts);
  const u3 = unitAt(model.seriesKey ^ 0x3f, ts);
  const top = Math.max(open, close);
  const bottom = Math.min(open, close);
  const high = roundTo(Math.ceil((top * (1 + 0.0008 * u1 * u1)) / tick) * tick, model.priceDecimals);
  const low = Math.max(
    tick,
    roundTo(Math.floor((bottom * (1 - 0.0008 * u2 * u2)) / tick) * tick, model.priceDecimals),
  );
  // Activity swells with the size of the move, as real volume does.
  const activity = 0.3 + 1.4 * u3 + (50 * (high - low)) / top;
  const volume = roundTo(model.minuteVolume * activity, model.volumeDecimals);
  const quoteVolume = roundTo(volume * ((open + high + low + close) / 4), model.quoteDecimals);
  const trades = Math.max(1, Math.round(120 * activity));
  return {
    ts,
    open,
    high: Math.max(high, top),
    low: Math.min(low, bottom),
    close,
    volume,
    quoteVolume,
    trades,
  };
}

/**
 * A candle printed after the delisting: no trades, every price frozen at the last traded close
 * (the price at the delisting), which is what Binance serves for a settled perpetual.
 */
function zombieMinute(s: Series, ts: number): SimCandle {
  const last = priceAt(s.model, symbolLife(s.exchange, s.symbol).delistedMs ?? ts);
  return { ts, open: last, high: last, low: last, close: last, volume: 0, quoteVolume: 0, trades: 0 };
}

/** Folds consecutive candles into one (open of first, max high, min low, close of last, sums). */
export function aggregateCandles(
  ts: number,
  parts: readonly SimCandle[],
  model: Pick<SymbolModel, "volumeDecimals" | "quoteDecimals">,
): SimCandle | undefined {
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first === undefined || last === undefined) return undefined;
  let high = first.high;
  let low = first.low;
  let volume = 0;
  let quoteVolume = 0;
  let trades = 0;
  for (const c of parts) {
    if (c.high > high) high = c.high;
    if (c.low < low) low = c.low;
    volume += c.volume;
    quoteVolume += c.quoteVolume;
    trades += c.trades;
  }
  return {
    ts,
    open: first.open,
    high,
    low,
    close: last.close,
    volume: roundTo(volume, model.volumeDecimals),
    quoteVolume: roundTo(quoteVolume, model.quoteDecimals),
    trades,
  };
}

interface Series {
  readonly model: SymbolModel;
  readonly exchange: string;
  readonly symbol: string;
  /** Open time of the last minute that exists (the one containing now). */
  readonly lastMinute: number;
}

/** Closed hours are costly (60 minutes each) and asked for again by every page of 1d: memoised. */
const hourMemo = new Map<string, SimCandle | undefined>();
const HOUR_MEMO_CAP = 200_000;

function generateMinutes(s: Series, from: number, until: number): SimCandle[] {
  const out: SimCandle[] = [];
  let open = priceAt(s.model, from);
  for (let t = from; t < until && t <= s.lastMinute; t += MINUTE) {
    const close = priceAt(s.model, t + MINUTE);
    if (isListedAt(s.exchange, s.symbol, t)) out.push(generateMinute(s.model, t, open, close));
    else if (isZombieAt(s.exchange, s.symbol, t)) out.push(zombieMinute(s, t));
    open = close;
  }
  return out;
}

function generateHour(s: Series, ts: number): SimCandle | undefined {
  const closed = ts + INTERVAL_MS["1h"] <= s.lastMinute;
  const key = `${s.model.seriesKey}|${ts}`;
  if (closed && hourMemo.has(key)) return hourMemo.get(key);
  const hour = aggregateCandles(ts, generateMinutes(s, ts, ts + INTERVAL_MS["1h"]), s.model);
  if (closed) {
    if (hourMemo.size >= HOUR_MEMO_CAP) hourMemo.clear();
    hourMemo.set(key, hour);
  }
  return hour;
}

function generateDay(s: Series, ts: number): SimCandle | undefined {
  const hours: SimCandle[] = [];
  for (let t = ts; t < ts + INTERVAL_MS["1d"] && t <= s.lastMinute; t += INTERVAL_MS["1h"]) {
    const hour = generateHour(s, t);
    if (hour !== undefined) hours.push(hour);
  }
  return aggregateCandles(ts, hours, s.model);
}

/**
 * Simulated candles of one series in [startMs, endMs), aligned to the interval, only while the
 * symbol is listed. A pure function of (seed, exchange, symbol, ts): any page gives the same
 * numbers, and 1h / 1d candles aggregate the 1m candles exactly, as real exchanges do.
 */
export function generateCandles(p: GenerateCandlesParams): SimCandle[] {
  const model = modelSymbol(p.seed, p.exchange, p.symbol);
  const ms = INTERVAL_MS[p.interval];
  const life = symbolLife(p.exchange, p.symbol);
  const lastMinute = Math.floor((p.nowMs ?? Number.POSITIVE_INFINITY) / MINUTE) * MINUTE;
  const from = Math.max(Math.ceil(p.startMs / ms), Math.floor(life.listedMs / ms)) * ms;
  const until = Math.min(p.endMs, candlesEndMs(p.exchange, p.symbol), lastMinute + 1);
  const series: Series = { model, exchange: p.exchange, symbol: p.symbol, lastMinute };
  if (p.interval === "1m") return generateMinutes(series, from, until);
  const out: SimCandle[] = [];
  for (let ts = from; ts < until; ts += ms) {
    const candle = p.interval === "1h" ? generateHour(series, ts) : generateDay(series, ts);
    if (candle !== undefined) out.push(candle);
  }
  return out;
}
