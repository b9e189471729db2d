import { hashString, roundTo, valueNoise } from "./hash.js";
import { modelSymbol, priceAt } from "./price-model.js";
import { isListedAt, isPerpetual } from "./symbol-life.js";
import type { GenerateSeriesParams } from "./generate-funding-rates.js";

export interface SimOpenInterest {
  /** Period start, epoch ms, aligned to periodMs. */
  ts: number;
  /** In base units. */
  openInterest: number;
  /** In quote units. */
  openInterestValue: number;
}

/** Open interest of a perpetual sampled every `periodMs` in [startMs, endMs): about $5B for BTC, drifting. */
export function generateOpenInterest(p: GenerateSeriesParams & { periodMs: number }): SimOpenInterest[] {
  if (!isPerpetual(p.symbol)) return [];
  const model = modelSymbol(p.seed, p.exchange, p.symbol);
  const key = hashString(`${p.seed}|oi|${p.exchange}|${p.symbol}`);
  const level = 5_000_000_000 / model.basePrice;
  const out: SimOpenInterest[] = [];
  for (let ts = Math.ceil(p.startMs / p.periodMs) * p.periodMs; ts < p.endMs; ts += p.periodMs) {
    if (!isListedAt(p.exchange, p.symbol, ts)) continue;
    const hours = ts / 3_600_000;
    const swing = 0.35 * valueNoise(key, hours / 240) + 0.05 * valueNoise(key ^ 0x99, hours / 4);
    const openInterest = roundTo(level * Math.exp(swing), 3);
    out.push({ ts, openInterest, openInterestValue: roundTo(openInterest * priceAt(model, ts), 2) });
  }
  return out;
}
