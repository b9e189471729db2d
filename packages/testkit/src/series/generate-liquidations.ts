import { hashAt, hashString, roundTo, unitAt } from "./hash.js";
import { modelSymbol, priceAt } from "./price-model.js";
import { isListedAt, isPerpetual } from "./symbol-life.js";
import type { GenerateSeriesParams } from "./generate-funding-rates.js";

export interface SimLiquidation {
  ts: number;
  id: string;
  /** The position liquidated. */
  side: "long" | "short";
  price: number;
  /** Base units. */
  amount: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Forced liquidations of a perpetual in [startMs, endMs): 0 to 5 per hour, oldest first. */
export function generateLiquidations(p: GenerateSeriesParams): SimLiquidation[] {
  if (!isPerpetual(p.symbol)) return [];
  const model = modelSymbol(p.seed, p.exchange, p.symbol);
  const key = hashString(`${p.seed}|liq|${p.exchange}|${p.symbol}`);
  const out: SimLiquidation[] = [];
  for (let hour = Math.floor(p.startMs / HOUR) * HOUR; hour < p.endMs; hour += HOUR) {
    const count = hashAt(key, hour) % 6;
    const inHour: SimLiquidation[] = [];
    for (let i = 0; i < count; i++) {
      const k = key + (i + 1) * 0x3c6ef372;
      const ts = hour + Math.floor(unitAt(k, hour) * HOUR);
      if (ts < p.startMs || ts >= p.endMs || !isListedAt(p.exchange, p.symbol, ts)) continue;
      const side = unitAt(k ^ 0x11, hour) < 0.5 ? "long" : "short";
      const slip = 0.002 * unitAt(k ^ 0x22, hour);
      const mid = priceAt(model, Math.floor(ts / MINUTE) * MINUTE);
      const price = roundTo(mid * (side === "long" ? 1 - slip : 1 + slip), model.priceDecimals);
      const step = 10 ** -Math.max(3, model.volumeDecimals);
      const amount = Math.max(
        step,
        roundTo(
          model.minuteVolume * 0.05 * -Math.log(1 - unitAt(k ^ 0x33, hour)),
          Math.max(3, model.volumeDecimals),
        ),
      );
      inHour.push({ ts, id: hashAt(k, ts).toString(16).padStart(8, "0"), side, price, amount });
    }
    out.push(...inHour.sort((a, b) => a.ts - b.ts));
  }
  return out;
}
