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

/** What an exchange shows live for a perpetual's next funding (and never keeps). */
export interface SimFundingPrediction {
  /** The funding time predicted for: the next boundary of the contract's interval. */
  fundingTime: number;
  fundingRate: number;
  markPrice: number;
  indexPrice: number;
}

/**
 * The prediction shown at `atMs` for the next funding: the rate that funding will pay
 * (generateFundingRates), off by a drift that shrinks as the funding nears, since the premium it is
 * averaged from still has time to move; undefined where the contract is not listed. The mark and
 * index prices of that minute.
 */
export function predictFunding(p: {
  seed: number;
  exchange: string;
  symbol: string;
  atMs: number;
}): SimFundingPrediction | undefined {
  if (!isPerpetual(p.symbol) || !isListedAt(p.exchange, p.symbol, p.atMs)) return undefined;
  const period = fundingIntervalHours(p.exchange, p.symbol) * HOUR;
  const fundingTime = Math.floor(p.atMs / period) * period + period;
  const paid = generateFundingRates({ ...p, startMs: fundingTime, endMs: fundingTime + period })[0];
  const key = hashString(`${p.seed}|prediction|${p.exchange}|${p.symbol}`);
  const minute = Math.floor(p.atMs / 60_000);
  const drift = 0.0002 * ((fundingTime - p.atMs) / period) * (unitAt(key, minute) - 0.5);
  const markPrice = priceAt(modelSymbol(p.seed, p.exchange, p.symbol), minute * 60_000);
  return {
    fundingTime,
    fundingRate: roundTo((paid?.fundingRate ?? 0.0001) + drift, 8),
    markPrice,
    indexPrice: roundTo(markPrice * (1 - 0.0003 * valueNoise(key ^ 0x33, minute / 30)), 8),
  };
}
