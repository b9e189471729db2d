import { roundTo, unitAt } from "./hash.js";
import { modelSymbol, priceAt } from "./price-model.js";
import { isListedAt } from "./symbol-life.js";

/** One side's levels, best first: [price, amount in base units]. */
export type BookLevels = Array<[number, number]>;

export interface SimOrderBook {
  /** The snapshot time (the request's present). */
  readonly ts: number;
  readonly bids: BookLevels;
  readonly asks: BookLevels;
}

/**
 * A snapshot of the top `levels` of a book around the simulated price at `nowMs`: best bid on the
 * price's tick, best ask one tick above, levels about a basis point apart, amounts deterministic in
 * (seed, exchange, symbol, minute, level). Empty sides while the symbol does not trade.
 */
export function generateOrderBook(p: {
  seed: number;
  exchange: string;
  symbol: string;
  nowMs: number;
  levels: number;
}): SimOrderBook {
  if (!isListedAt(p.exchange, p.symbol, p.nowMs)) return { ts: p.nowMs, bids: [], asks: [] };
  const model = modelSymbol(p.seed, p.exchange, p.symbol);
  const tick = 10 ** -model.priceDecimals;
  const mid = priceAt(model, p.nowMs);
  const spacing = Math.max(1, Math.round((mid * 0.0001) / tick)) * tick;
  const bestBid = Math.max(tick, roundTo(Math.floor(mid / tick) * tick, model.priceDecimals));
  const minute = Math.floor(p.nowMs / 60_000);
  const amount = (side: number, level: number): number => {
    const u = unitAt(model.seriesKey ^ (0x5b00 + side * 0x100 + level), minute);
    const step = 10 ** -model.volumeDecimals;
    return Math.max(
      step,
      roundTo(model.minuteVolume * (0.02 + 0.3 * u) * (1 + level / 4), model.volumeDecimals),
    );
  };
  const bids: BookLevels = [];
  const asks: BookLevels = [];
  for (let i = 0; i < p.levels; i++) {
    const bid = roundTo(bestBid - i * spacing, model.priceDecimals);
    if (bid > 0) bids.push([bid, amount(0, i)]);
    asks.push([roundTo(bestBid + tick + i * spacing, model.priceDecimals), amount(1, i)]);
  }
  return { ts: p.nowMs, bids, asks };
}
