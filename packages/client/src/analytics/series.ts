import type { ClientRow } from "@cexdata/schema";

/**
 * A series aligned index by index with its input. `null` marks a value that is not defined yet
 * (the warm-up of a window, the first return) or cannot be defined (a zero denominator); it is
 * `null` rather than `NaN` so that series survive JSON and match what DuckDB's window functions
 * return (SQL NULL).
 */
export type Series = (number | null)[];

/**
 * The parts of a candle the analytics read. Any `ClientRow<"ohlcv_1m" | "ohlcv_1h" | "ohlcv_1d">`
 * (and a resampled candle) is one, so Token results are passed as they are.
 */
export type CandleFields = Pick<ClientRow<"ohlcv_1d">, "ts" | "open" | "high" | "low" | "close" | "volume">;

/** A value at a time: the shape the ts-aligned analytics (correlation, basis, anomalies) take. */
export interface TimedValue {
  readonly ts: Date;
  readonly value: number;
}

/** Mean of the numbers given (NaN for none). */
export function computeMean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 in the denominator; NaN for fewer than two values). */
export function computeSampleStdDev(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const mean = computeMean(values);
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** The defined values of a series, in order. */
export function collectDefined(series: Series): number[] {
  const out: number[] = [];
  for (const v of series) if (v !== null && Number.isFinite(v)) out.push(v);
  return out;
}
