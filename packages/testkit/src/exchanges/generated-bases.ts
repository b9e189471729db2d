/**
 * Bases a simulator lists beyond its fixed markets, only when asked (the `bases` option), so a run
 * of `top: 50` finds 50 bases: made-up tickers SIM01, SIM02, ... (no real market's history is
 * misrepresented), each listed on every exchange as spot against USDT (USD on Coinbase) and, where
 * the exchange has perpetuals in the simulator, as a USDT perpetual. Their series come from the same
 * seeded generator as every other symbol; the recorded markets are served as they are.
 */

/** The bases every exchange's fixed markets list, spot and perpetual alike. */
export const COMMON_FIXED_BASES = ["BTC", "ETH", "SOL"] as const;

/**
 * The generated bases for `bases: total`: as many as it takes for `total` bases to be listed on all
 * four exchanges (the common fixed ones count); none when `total` is absent or not above them.
 */
export function generatedBases(total: number | undefined): readonly string[] {
  const n = Math.max(0, Math.floor(total ?? 0) - COMMON_FIXED_BASES.length);
  return Array.from({ length: n }, (_, i) => `SIM${String(i + 1).padStart(2, "0")}`);
}

/**
 * Whether a base is one of the generated tickers. Market-data routes know a generated base by its
 * name (as they know the fixed ones by a table), listed or not; only the listings depend on `bases`.
 */
export function isGeneratedBase(base: string | undefined): base is string {
  return base !== undefined && /^SIM\d{2,}$/.test(base);
}
