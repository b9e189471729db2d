import { DOUBLE, DuckDBInstance, LIST, listValue } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  computeCagr,
  computeCalmarRatio,
  computeCumulativeReturns,
  computeDrawdown,
  computeExcessKurtosis,
  computeMaxDrawdown,
  computePeriodsPerYear,
  computeQuantile,
  computeReturns,
  computeRollingVolatility,
  computeSharpeRatio,
  computeSkewness,
  computeSortinoRatio,
  computeTotalReturn,
  computeVolatility,
  summarizeDistribution,
} from "../src/analytics/index.js";
import { createRandom } from "./analytics-candles.js";

const DAY = 86_400_000;

describe("returns", () => {
  it("computes simple, log, cumulative and total returns by hand", () => {
    expect(computeReturns([100, 110, 99])).toEqual([null, 0.10000000000000009, -0.09999999999999998]);
    expect(computeReturns([100, 110], "log")[1]).toBeCloseTo(Math.log(1.1), 15);
    expect(computeCumulativeReturns([100, 110, 99])).toEqual([0, 0.10000000000000009, -0.010000000000000009]);
    expect(computeTotalReturn([100, 50, 150])).toBeCloseTo(0.5, 15);
  });

  it("annualises growth on a 365-day year of the data's own timestamps", () => {
    const at = (days: number, close: number) => ({ ts: new Date(Date.UTC(2023, 0, 1) + days * DAY), close });
    expect(computeCagr([at(0, 100), at(365, 121)])).toBeCloseTo(0.21, 12);
    expect(computeCagr([at(0, 100), at(100, 105), at(730, 121)])).toBeCloseTo(0.1, 12);
  });

  it("counts periods per year on 365 days", () => {
    expect(computePeriodsPerYear("1d")).toBe(365);
    expect(computePeriodsPerYear("1h")).toBe(8760);
    expect(computePeriodsPerYear("1m")).toBe(525_600);
    expect(computePeriodsPerYear("1w")).toBeCloseTo(365 / 7, 12);
  });
});

describe("volatility and ratios", () => {
  // Hand-worked: returns 1%, -2%, 3%, 0%. Mean 0.5%; deviations .5, -2.5, 2.5, -.5 (%);
  // sample variance (0.25 + 6.25 + 6.25 + 0.25) / 3 = 4.3333 (%^2) -> sd 2.081666%.
  const returns = [null, 0.01, -0.02, 0.03, 0];
  const sd = Math.sqrt(13e-4 / 3);

  it("annualises the sample standard deviation with sqrt(periods per year)", () => {
    expect(computeVolatility(returns, 365)).toBeCloseTo(sd * Math.sqrt(365), 12);
  });

  it("rolls the volatility over a trailing window, null until the window fills", () => {
    const rolling = computeRollingVolatility(returns, 2, 365);
    expect(rolling.slice(0, 2)).toEqual([null, null]);
    // |r1 - r2| / sqrt(2) is the sample sd of two values.
    expect(rolling[2]).toBeCloseTo((0.03 / Math.SQRT2) * Math.sqrt(365), 12);
    expect(rolling[4]).toBeCloseTo((0.03 / Math.SQRT2) * Math.sqrt(365), 12);
  });

  it("computes Sharpe and Sortino by hand", () => {
    expect(computeSharpeRatio(returns, { periodsPerYear: 365 })).toBeCloseTo(
      (0.005 / sd) * Math.sqrt(365),
      10,
    );
    // Downside deviation: sqrt((0 + 0.02^2 + 0 + 0) / 4) = 0.01.
    expect(computeSortinoRatio(returns, { periodsPerYear: 365 })).toBeCloseTo(0.5 * Math.sqrt(365), 10);
    // A 365-period year with rf = (1.01)^365 - 1 per year subtracts exactly 1% a period.
    const rf = 1.01 ** 365 - 1;
    const shifted = computeSharpeRatio(returns, { periodsPerYear: 365, riskFreeRate: rf });
    expect(shifted).toBeCloseTo((-0.005 / sd) * Math.sqrt(365), 8);
  });

  it("finds the deepest drawdown, its peak, trough and recovery", () => {
    const prices = [100, 120, 90, 110, 130, 65, 70, 131];
    expect(computeDrawdown(prices)).toEqual([
      0, 0, -0.25, -0.08333333333333337, 0, -0.5, -0.46153846153846156, 0,
    ]);
    expect(computeMaxDrawdown(prices)).toEqual({
      maxDrawdown: -0.5,
      peakIndex: 4,
      troughIndex: 5,
      recoveryIndex: 7,
    });
    expect(computeMaxDrawdown([1, 2, 3]).maxDrawdown).toBe(0);
    expect(computeMaxDrawdown([3, 2, 1]).recoveryIndex).toBeNull();
    expect(computeCalmarRatio(0.2, -0.5)).toBeCloseTo(0.4, 15);
  });
});

describe("distribution, against DuckDB's own aggregates", () => {
  let instance: DuckDBInstance;
  const random = createRandom(11);
  // Fat-tailed, skewed sample: mostly small moves, a few large rises.
  const sample = Array.from(
    { length: 500 },
    () => (random() - 0.5) * 0.02 + (random() < 0.03 ? 0.1 * random() : 0),
  );

  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
  });
  afterAll(() => instance.closeSync());

  it("agrees on quantiles (type 7 = quantile_cont), skewness and excess kurtosis", async () => {
    const connection = await instance.connect();
    await connection.run(
      "CREATE TABLE s AS SELECT unnest($values) AS x",
      { values: listValue(sample) },
      { values: LIST(DOUBLE) },
    );
    const reader = await connection.runAndReadAll(
      `SELECT quantile_cont(x, 0.05) AS p05, quantile_cont(x, 0.5) AS p50, quantile_cont(x, 0.99) AS p99,
              skewness(x) AS skew, kurtosis(x) AS kurt FROM s`,
    );
    const [row] = reader.getRowObjectsJS() as {
      p05: number;
      p50: number;
      p99: number;
      skew: number;
      kurt: number;
    }[];
    connection.closeSync();
    expect(computeQuantile(sample, 0.05)).toBeCloseTo(row?.p05 as number, 12);
    expect(computeQuantile(sample, 0.5)).toBeCloseTo(row?.p50 as number, 12);
    expect(computeQuantile(sample, 0.99)).toBeCloseTo(row?.p99 as number, 12);
    expect(computeSkewness(sample)).toBeCloseTo(row?.skew as number, 9);
    expect(computeExcessKurtosis(sample)).toBeCloseTo(row?.kurt as number, 9);
    expect(computeSkewness(sample)).toBeGreaterThan(0.5);
  });

  it("works small cases by hand", () => {
    expect(computeQuantile([1, 2, 3, 4], 0.25)).toBe(1.75); // h = 0.75: 1 + 0.75 (2 - 1)
    expect(computeSkewness([1, 2, 3])).toBe(0);
    expect(computeExcessKurtosis([1, 1, 1, 1])).toBeNaN();
    const summary = summarizeDistribution([4, 1, 3, 2]);
    expect([summary.count, summary.mean, summary.min, summary.max, summary.quantiles.p50]).toEqual([
      4, 2.5, 1, 4, 2.5,
    ]);
  });
});
