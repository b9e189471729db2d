import {
  collectDefined,
  computeAverageFundingApr,
  computeCagr,
  computeCalmarRatio,
  computeMaxDrawdown,
  computePeriodsPerYear,
  computeQuantile,
  computeReturns,
  computeSharpeRatio,
  computeSortinoRatio,
  computeTotalReturn,
  computeVolatility,
  summarizeDistribution,
} from "../analytics/index.js";
import { formatCompact, formatPercent } from "./chart-scale.js";
import type { TearsheetInput } from "./tearsheet-input.js";

export interface TearsheetStatistic {
  readonly label: string;
  /** The raw number (NaN when undefined for this data), for programs. */
  readonly value: number;
  /** The number as printed on the sheet. */
  readonly text: string;
  /** How it is computed, shown as a tooltip. */
  readonly note: string;
}

const ratio = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "n/a");
const day = (d: Date | undefined) => d?.toISOString().slice(0, 10) ?? "n/a";

/** Every figure of the statistics table, computed with the analytics functions. */
export function computeTearsheetStatistics(input: TearsheetInput): TearsheetStatistic[] {
  const { candles, provenance } = input;
  const closes = candles.map((c) => c.close);
  const periodsPerYear = computePeriodsPerYear(provenance.interval);
  const returns = computeReturns(closes);
  const defined = collectDefined(returns);
  const rf = input.riskFreeRate ?? 0;
  const cagr = computeCagr(candles);
  const dd = computeMaxDrawdown(closes);
  const dist = summarizeDistribution(defined);
  const stat = (label: string, value: number, text: string, note: string): TearsheetStatistic => ({
    label,
    value,
    text,
    note,
  });
  const rows = [
    stat(
      "Total return",
      computeTotalReturn(closes),
      formatPercent(computeTotalReturn(closes)),
      "last close / first close - 1",
    ),
    stat("CAGR", cagr, formatPercent(cagr), "(last / first) ^ (365 days / span) - 1"),
    stat(
      "Volatility (ann.)",
      computeVolatility(returns, periodsPerYear),
      formatPercent(computeVolatility(returns, periodsPerYear)),
      `sample stddev of ${provenance.interval} returns x sqrt(${formatCompact(periodsPerYear)})`,
    ),
    stat(
      "Sharpe ratio",
      computeSharpeRatio(returns, { periodsPerYear, riskFreeRate: rf }),
      ratio(computeSharpeRatio(returns, { periodsPerYear, riskFreeRate: rf })),
      `mean excess return / stddev x sqrt(periods per year); risk-free ${formatPercent(rf)}`,
    ),
    stat(
      "Sortino ratio",
      computeSortinoRatio(returns, { periodsPerYear, riskFreeRate: rf }),
      ratio(computeSortinoRatio(returns, { periodsPerYear, riskFreeRate: rf })),
      "mean excess return / downside deviation x sqrt(periods per year)",
    ),
    stat(
      "Max drawdown",
      dd.maxDrawdown,
      formatPercent(dd.maxDrawdown),
      "deepest fall of the close from its running peak",
    ),
    stat(
      "Drawdown peak / trough",
      dd.troughIndex - dd.peakIndex,
      `${day(candles[dd.peakIndex]?.ts)} / ${day(candles[dd.troughIndex]?.ts)}`,
      dd.recoveryIndex === null ? "not recovered" : `recovered ${day(candles[dd.recoveryIndex]?.ts)}`,
    ),
    stat(
      "Calmar ratio",
      computeCalmarRatio(cagr, dd.maxDrawdown),
      ratio(computeCalmarRatio(cagr, dd.maxDrawdown)),
      "CAGR / |max drawdown|",
    ),
    stat("Best period", dist.max, formatPercent(dist.max), `largest ${provenance.interval} return`),
    stat("Worst period", dist.min, formatPercent(dist.min), `smallest ${provenance.interval} return`),
    stat(
      "Positive periods",
      defined.filter((r) => r > 0).length / defined.length,
      formatPercent(defined.filter((r) => r > 0).length / defined.length, 1),
      "share of returns above zero",
    ),
    stat(
      "VaR 95% (hist.)",
      computeQuantile(defined, 0.05),
      formatPercent(computeQuantile(defined, 0.05)),
      "5% quantile of returns",
    ),
    stat("Skewness", dist.skewness, ratio(dist.skewness), "adjusted Fisher-Pearson"),
    stat("Excess kurtosis", dist.excessKurtosis, ratio(dist.excessKurtosis), "0 for a normal distribution"),
  ];
  const funding = input.fundingRates ?? [];
  if (funding.length > 0) {
    const apr = computeAverageFundingApr(funding);
    const paid = funding.reduce((s, r) => s + r.fundingRate, 0);
    rows.push(
      stat("Funding APR (avg.)", apr, formatPercent(apr), "total funding / hours covered x 24 x 365"),
      stat("Funding paid by longs", paid, formatPercent(paid, 3), `sum of ${funding.length} funding rates`),
    );
  }
  const oi = input.openInterest ?? [];
  const firstOi = oi[0]?.openInterest;
  const lastOi = oi.at(-1)?.openInterest;
  if (firstOi !== undefined && lastOi !== undefined) {
    rows.push(
      stat(
        "Open interest change",
        lastOi / firstOi - 1,
        formatPercent(lastOi / firstOi - 1),
        "last / first snapshot - 1",
      ),
    );
  }
  return rows;
}
