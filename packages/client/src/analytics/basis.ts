import { alignOnTs } from "./align.js";

type Closed = { readonly ts: Date; readonly close: number };

export interface BasisPoint {
  readonly ts: Date;
  readonly perpClose: number;
  readonly spotClose: number;
  /** perpClose - spotClose, in quote units. */
  readonly basis: number;
  /** perpClose / spotClose - 1 (0.001 = the perpetual trades 0.1% over spot). */
  readonly basisRate: number;
}

/**
 * Basis of a perpetual over its spot market: perp close minus spot close, and as a rate of the spot
 * close, on the timestamps both series have (inner join on `ts`; candles of the same interval).
 */
export function computeBasis(perpCandles: readonly Closed[], spotCandles: readonly Closed[]): BasisPoint[] {
  const aligned = alignOnTs([
    perpCandles.map((c) => ({ ts: c.ts, value: c.close })),
    spotCandles.map((c) => ({ ts: c.ts, value: c.close })),
  ]);
  return aligned.map(({ ts, values: [perpClose = Number.NaN, spotClose = Number.NaN] }) => ({
    ts,
    perpClose,
    spotClose,
    basis: perpClose - spotClose,
    basisRate: perpClose / spotClose - 1,
  }));
}
