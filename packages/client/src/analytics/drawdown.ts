/**
 * Drawdown at each point: d[t] = p[t] / max(p[0..t]) - 1, so 0 at a new high and negative below
 * it (-0.25 is 25% under the running peak). No warm-up: d[0] = 0.
 */
export function computeDrawdown(prices: readonly number[]): number[] {
  let peak = Number.NEGATIVE_INFINITY;
  return prices.map((p) => {
    peak = Math.max(peak, p);
    return p / peak - 1;
  });
}

export interface MaxDrawdown {
  /** The deepest drawdown, <= 0 (-0.5 is a 50% fall from the peak). 0 for a series that never fell. */
  readonly maxDrawdown: number;
  /** Index of the peak the deepest drawdown started from. */
  readonly peakIndex: number;
  /** Index of the trough. */
  readonly troughIndex: number;
  /** First index after the trough where the price is back at the peak, or `null` if never. */
  readonly recoveryIndex: number | null;
}

/** The deepest peak-to-trough fall of a price series, with where it started, bottomed and recovered. */
export function computeMaxDrawdown(prices: readonly number[]): MaxDrawdown {
  let peakIndex = 0;
  let best = { maxDrawdown: 0, peakIndex: 0, troughIndex: 0 };
  prices.forEach((p, i) => {
    if (p > (prices[peakIndex] ?? Number.NEGATIVE_INFINITY)) peakIndex = i;
    const dd = p / (prices[peakIndex] as number) - 1;
    if (dd < best.maxDrawdown) best = { maxDrawdown: dd, peakIndex, troughIndex: i };
  });
  const peak = prices[best.peakIndex];
  let recoveryIndex: number | null = null;
  if (best.maxDrawdown < 0 && peak !== undefined) {
    const found = prices.findIndex((p, i) => i > best.troughIndex && p >= peak);
    recoveryIndex = found === -1 ? null : found;
  }
  return { ...best, recoveryIndex };
}
