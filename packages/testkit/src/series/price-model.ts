import { hashString, roundTo, unitAt, valueNoise } from "./hash.js";
import { splitSymbol } from "./symbol-life.js";

/** Typical price of a base asset, so numbers look plausible (BTC ~ 60000, ETH ~ 3000). */
const PRICE_LEVEL: Readonly<Record<string, number>> = {
  BTC: 60_000,
  ETH: 3_000,
  SOL: 150,
  BNB: 500,
  XRP: 0.6,
  DOGE: 0.15,
  LUNA: 40,
  "1000PEPE": 0.01,
};

/** Value-noise octaves of the log price: (period in minutes, amplitude). Slow ones dominate. */
const OCTAVES: readonly (readonly [number, number])[] = [
  [1, 0.0006],
  [15, 0.0015],
  [240, 0.006],
  [1_440 * 3, 0.03],
  [1_440 * 30, 0.12],
  [1_440 * 365, 0.45],
];

export interface SymbolModel {
  readonly basePrice: number;
  /** Price tick: prices are multiples of it. */
  readonly priceDecimals: number;
  readonly volumeDecimals: number;
  readonly quoteDecimals: number;
  /** Typical base volume traded per minute (about one million quote units). */
  readonly minuteVolume: number;
  /** Per-series key: exchange and symbol. */
  readonly seriesKey: number;
  /** Per-asset key: prices of one base move together across exchanges. */
  readonly assetKey: number;
}

const MINUTE = 60_000;

export function modelSymbol(seed: number, exchange: string, symbol: string): SymbolModel {
  const { base } = splitSymbol(symbol);
  const basePrice = PRICE_LEVEL[base] ?? 0.5 + 99.5 * unitAt(hashString(base), seed);
  const magnitude = Math.floor(Math.log10(basePrice));
  const priceDecimals = Math.min(8, Math.max(2, 6 - magnitude - 1));
  const minuteVolume = 1_000_000 / basePrice;
  const volumeDecimals = Math.min(8, Math.max(0, 6 - Math.ceil(Math.log10(minuteVolume + 1))));
  return {
    basePrice,
    priceDecimals,
    volumeDecimals,
    quoteDecimals: Math.min(8, priceDecimals + volumeDecimals),
    minuteVolume,
    seriesKey: hashString(`${seed}|${exchange}|${symbol}`),
    assetKey: hashString(`${seed}|${base}`),
  };
}

/** The unrounded price at a minute boundary: a shared asset walk plus a small per-venue basis. */
export function rawPriceAt(model: SymbolModel, tsMs: number): number {
  const minute = tsMs / MINUTE;
  let logP = Math.log(model.basePrice);
  for (let i = 0; i < OCTAVES.length; i++) {
    const [period, amplitude] = OCTAVES[i] ?? [1, 0];
    logP += amplitude * valueNoise(model.assetKey + i * 7919, minute / period);
  }
  logP += 0.0004 * valueNoise(model.seriesKey, minute / 60);
  return Math.exp(logP);
}

export function priceAt(model: SymbolModel, tsMs: number): number {
  const tick = 10 ** -model.priceDecimals;
  return Math.max(tick, roundTo(rawPriceAt(model, tsMs), model.priceDecimals));
}
