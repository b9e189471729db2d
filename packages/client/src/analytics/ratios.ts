import { collectDefined, computeMean, computeSampleStdDev, type Series } from "./series.js";

export interface RatioOptions {
  /** Candles per year of the returns' interval (`computePeriodsPerYear`). */
  readonly periodsPerYear: number;
  /** Annual risk-free rate (0.04 = 4%), compounded down to one period. Default 0. */
  readonly riskFreeRate?: number;
}

function computeExcessReturns(returns: Series, options: RatioOptions): number[] {
  const perPeriod = (1 + (options.riskFreeRate ?? 0)) ** (1 / options.periodsPerYear) - 1;
  return collectDefined(returns).map((r) => r - perPeriod);
}

/**
 * Annualised Sharpe ratio: mean(r - rf) / stddev_samp(r - rf) * sqrt(periodsPerYear), with rf the
 * annual risk-free rate compounded to one period. `null` returns are ignored. NaN when the
 * standard deviation is zero or there are fewer than two returns.
 */
export function computeSharpeRatio(returns: Series, options: RatioOptions): number {
  const excess = computeExcessReturns(returns, options);
  const sd = computeSampleStdDev(excess);
  if (!(sd > 0)) return Number.NaN;
  return (computeMean(excess) / sd) * Math.sqrt(options.periodsPerYear);
}

/**
 * Annualised Sortino ratio: mean(r - rf) / downside deviation * sqrt(periodsPerYear), where the
 * downside deviation is sqrt(mean(min(0, r - rf)^2)) over ALL periods (Sortino & Price, 1994:
 * periods above the target count as zero shortfall). NaN when nothing ever fell below the target.
 */
export function computeSortinoRatio(returns: Series, options: RatioOptions): number {
  const excess = computeExcessReturns(returns, options);
  if (excess.length === 0) return Number.NaN;
  const downside = Math.sqrt(computeMean(excess.map((r) => Math.min(0, r) ** 2)));
  if (!(downside > 0)) return Number.NaN;
  return (computeMean(excess) / downside) * Math.sqrt(options.periodsPerYear);
}

/** Calmar ratio: CAGR / |max drawdown|. NaN when there was no drawdown. */
export function computeCalmarRatio(cagr: number, maxDrawdown: number): number {
  if (!(maxDrawdown < 0)) return Number.NaN;
  return cagr / Math.abs(maxDrawdown);
}
