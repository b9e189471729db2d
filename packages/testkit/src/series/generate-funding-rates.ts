import { hashString, roundTo, unitAt, valueNoise } from "./hash.js";
import { modelSymbol, priceAt } from "./price-model.js";
import { fundingIntervalHours, isListedAt, isPerpetual } from "./symbol-life.js";

export interface SimFundingRate {
  /** Funding time, epoch ms. Binance's carry a few ms of jitter past the hour (1637193600017). */
  ts: number;
  fundingRate: number;
  markPrice: number;
  intervalHours: number;
}

export interface GenerateSeriesParams {
  seed: number;
  exchange: string;
  symbol: string;
  /** Closed-open range [startMs, endMs) of event times. */
  startMs: number;
  endMs: number;
}

const HOUR = 3_600_000;

/** Exchanges whose funding timestamps are a few ms late, as Binance's are. */
const JITTERED = new Set(["binance", "binanceusdm"]);

/**
 * Funding payments of a perpetual in [startMs, endMs): one every `fundingIntervalHours` (8 by
 * default, see SYMBOL_LIFE), rates around +0.01% that drift and sometimes turn negative.
 */
export function generateFundingRates(p: GenerateSeriesParams): SimFundingRate[] {
  if (!isPerpetual(p.symbol)) return [];
  const model = modelSymbol(p.seed, p.exchange, p.symbol);
  const intervalHours = fundingIntervalHours(p.exchange, p.symbol);
  const period = intervalHours * HOUR;
  const key = hashString(`${p.seed}|funding|${p.exchange}|${p.symbol}`);
  const out: SimFundingRate[] = [];
  for (let boundary = Math.floor(p.startMs / period) * period; boundary < p.endMs; boundary += period) {
    const jitter = JITTERED.has(p.exchange) ? Math.floor(unitAt(key, boundary) * 25) : 0;
    const ts = boundary + jitter;
    if (ts < p.startMs || ts >= p.endMs || !isListedAt(p.exchange, p.symbol, boundary)) continue;
    const drift = valueNoise(key, boundary / (period * 6));
    const raw = 0.0001 + 0.00025 * drift + 0.00005 * (unitAt(key ^ 0x55, boundary) - 0.5);
    const fundingRate = roundTo(Math.max(-0.0075, Math.min(0.0075, raw * (intervalHours / 8))), 8);
    out.push({ ts, fundingRate, markPrice: priceAt(model, boundary), intervalHours });
  }
  return out;
}
