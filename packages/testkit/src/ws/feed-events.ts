import { hashString, roundTo, unitAt } from "../series/hash.js";
import { modelSymbol, priceAt } from "../series/price-model.js";

/** One forced liquidation as the simulator emits it, before any exchange's wire format. */
export interface FeedLiquidation {
  readonly exchange: string;
  /** ccxt unified symbol of the perpetual, e.g. "BTC/USDT:USDT". */
  readonly symbol: string;
  readonly ts: number;
  /** The position liquidated. */
  readonly side: "long" | "short";
  readonly price: number;
  /** Base units. */
  readonly amount: number;
  /** Position in the feed's sequence (unique per exchange and run). */
  readonly seq: number;
}

const MINUTE = 60_000;

/** The seq-th event of a feed: a pure function of (seed, exchange, symbol, seq, ts). */
export function makeFeedLiquidation(
  seed: number,
  exchange: string,
  symbol: string,
  seq: number,
  ts: number,
): FeedLiquidation {
  const model = modelSymbol(seed, exchange, symbol);
  const key = (hashString(`${seed}|ws-liq|${exchange}|${symbol}`) ^ Math.imul(seq, 0x9e3779b1)) >>> 0;
  const side = unitAt(key ^ 0x11, seq) < 0.5 ? "long" : "short";
  const slip = 0.002 * unitAt(key ^ 0x22, seq);
  const mid = priceAt(model, Math.floor(ts / MINUTE) * MINUTE);
  const price = roundTo(mid * (side === "long" ? 1 - slip : 1 + slip), model.priceDecimals);
  // Whole multiples of 0.01 base: every exchange's contract size (OKX BTC-USDT-SWAP is 0.01 BTC) divides it.
  const amount = roundTo(0.01 * (1 + Math.floor(20 * unitAt(key ^ 0x33, seq))), 2);
  return { exchange, symbol, ts, side, price, amount, seq };
}
