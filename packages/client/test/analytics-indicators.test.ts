import { describe, expect, it } from "vitest";
import {
  computeAtr,
  computeBollingerBands,
  computeEma,
  computeMacd,
  computeRsi,
  computeSma,
  computeTrueRange,
  computeWilderAverage,
} from "../src/analytics/index.js";

/** Asserts every published value is within `tolerance` of ours, starting at `offset`. */
function expectSeriesNear(
  actual: (number | null)[],
  expected: number[],
  offset: number,
  tolerance: number,
): void {
  expected.forEach((want, k) => {
    const got = actual[offset + k];
    expect(got, `index ${offset + k}`).not.toBeNull();
    expect(Math.abs((got as number) - want), `index ${offset + k}: ${got} vs ${want}`).toBeLessThanOrEqual(
      tolerance,
    );
  });
}

describe("moving averages", () => {
  it("averages the window by hand, null during warm-up", () => {
    expect(computeSma([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
    expect(computeSma([1, null, 3, 4, 5], 2)).toEqual([null, null, null, 3.5, 4.5]);
  });

  it("seeds the EMA with the SMA, then smooths with 2 / (n + 1) (by hand)", () => {
    // n = 3, alpha = 0.5: seed (1 + 2 + 3) / 3 = 2, then 2 + 0.5 (4 - 2) = 3, then 3 + 0.5 (8 - 3) = 5.5.
    expect(computeEma([1, 2, 3, 4, 8], 3)).toEqual([null, null, 2, 3, 5.5]);
    // Wilder: alpha = 1 / 3: 2 + (4 - 2) / 3.
    expect(computeWilderAverage([1, 2, 3, 4], 3)[3]).toBeCloseTo(2 + 2 / 3, 12);
  });

  it("matches StockCharts' 10-day EMA worked example", () => {
    // Source: StockCharts ChartSchool, "Moving Averages - Simple and Exponential", spreadsheet example
    // (10-day EMA seeded with the 10-day SMA; table rounded to 2 decimals).
    const closes = [
      22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36,
      24.05, 23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19, 23.1, 23.33, 22.68, 23.1, 22.4, 22.17,
    ];
    const published = [
      22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.53, 23.47,
      23.4, 23.39, 23.26, 23.23, 23.08, 22.92,
    ];
    const ema = computeEma(closes, 10);
    expect(ema.slice(0, 9).every((v) => v === null)).toBe(true);
    expectSeriesNear(ema, published, 9, 0.006);
  });
});

describe("RSI (Wilder)", () => {
  // Source: StockCharts ChartSchool, "Relative Strength Index (RSI)", calculation example (cs-rsi.xls):
  // closes given to 4 decimals, RSI(14) published to 2 decimals from index 14 on.
  const closes = [
    44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931,
    46.0328, 45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137,
    46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
  ];
  const published = [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87,
    45.46, 37.3, 33.08, 37.77,
  ];

  it("reproduces all 19 published values to the cent, null before index 14", () => {
    const rsi = computeRsi(closes, 14);
    expect(rsi).toHaveLength(closes.length);
    expect(rsi.slice(0, 14).every((v) => v === null)).toBe(true);
    expectSeriesNear(rsi, published, 14, 0.005 + 1e-9);
  });

  it("reads 100 on a steady rise, 0 on a steady fall, 50 when flat", () => {
    const rising = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(computeRsi(rising).at(-1)).toBe(100);
    expect(computeRsi([...rising].reverse()).at(-1)).toBe(0);
    expect(computeRsi(Array<number>(20).fill(5)).at(-1)).toBe(50);
  });
});

describe("MACD", () => {
  // Source: investexcel.net, "How to Calculate MACD in Excel" (AAPL daily closes; 12/26/9, every EMA
  // seeded with its SMA), the same convention as StockCharts' MACD article. Values as published there.
  const closes = [
    459.99, 448.85, 446.06, 450.81, 442.8, 448.97, 444.57, 441.4, 430.47, 420.05, 431.14, 425.66, 430.58,
    431.72, 437.87, 428.43, 428.35, 432.5, 443.66, 455.72, 454.49, 452.08, 452.73, 461.91, 463.58, 461.14,
    452.08, 442.66, 428.91, 429.79, 431.99, 427.72, 423.2, 426.21, 426.98, 435.69, 434.33, 429.8, 419.85,
    426.24,
  ];

  it("reproduces the published MACD line, signal and histogram", () => {
    const { macd, signal, histogram } = computeMacd(closes);
    expect(macd.slice(0, 25).every((v) => v === null)).toBe(true);
    expect(macd[25]).toBeCloseTo(8.2753, 4);
    expect(macd[31]).toBeCloseTo(0.103, 3);
    expect(signal.slice(0, 33).every((v) => v === null)).toBe(true);
    expect(signal[33]).toBeCloseTo(3.0375, 4);
    expect(macd[34]).toBeCloseTo(-2.6218, 4);
    expect(signal[34]).toBeCloseTo(1.9057, 4);
    expect(histogram[34]).toBeCloseTo(-4.5275, 4);
    expect(signal[39]).toBeCloseTo(-1.3381, 4);
  });
});

describe("Bollinger Bands", () => {
  // Source: StockCharts ChartSchool, "Bollinger Bands", calculation example (cs-bollinger.xls):
  // 20-day SMA +/- 2 population standard deviations, published to 2 decimals from index 19 on.
  const closes = [
    86.16, 89.09, 88.78, 90.32, 89.07, 91.15, 89.44, 89.18, 86.93, 87.68, 86.96, 89.43, 89.32, 88.72, 87.45,
    87.26, 89.5, 87.9, 89.13, 90.7, 92.9, 92.98, 91.8, 92.66, 92.68, 92.3, 92.77, 92.54, 92.95, 93.2, 91.07,
    89.83, 89.74, 90.4, 90.74, 88.02, 88.09, 88.84, 90.78, 90.54, 91.39, 90.65,
  ];
  const middle = [
    88.71, 89.05, 89.24, 89.39, 89.51, 89.69, 89.75, 89.91, 90.08, 90.38, 90.66, 90.86, 90.88, 90.91, 90.99,
    91.15, 91.19, 91.12, 91.17, 91.25, 91.24, 91.17, 91.05,
  ];
  const upper = [
    91.29, 91.95, 92.61, 92.93, 93.31, 93.73, 93.9, 94.27, 94.57, 94.79, 95.04, 94.91, 94.9, 94.9, 94.86,
    94.67, 94.56, 94.68, 94.58, 94.53, 94.53, 94.37, 94.15,
  ];
  const lower = [
    86.12, 86.14, 85.87, 85.85, 85.7, 85.65, 85.59, 85.56, 85.6, 85.98, 86.27, 86.82, 86.87, 86.91, 87.12,
    87.63, 87.83, 87.56, 87.76, 87.97, 87.95, 87.96, 87.95,
  ];

  it("reproduces the published middle, upper and lower bands", () => {
    const bands = computeBollingerBands(closes);
    expect(bands.middle.slice(0, 19).every((v) => v === null)).toBe(true);
    // The table rounds each value to 2 decimals (a few in the last digit either way).
    expectSeriesNear(bands.middle, middle, 19, 0.011);
    expectSeriesNear(bands.upper, upper, 19, 0.011);
    expectSeriesNear(bands.lower, lower, 19, 0.011);
  });

  it("puts %B at 0.5 on the middle band and bandwidth at 4 sigma / middle (by hand)", () => {
    // [1, 3]: mean 2, population sigma 1, bands 0 and 4.
    const b = computeBollingerBands([1, 3], { period: 2, multiplier: 2 });
    expect([b.lower[1], b.middle[1], b.upper[1], b.bandwidth[1], b.percentB[1]]).toEqual([0, 2, 4, 2, 0.75]);
  });
});

describe("ATR", () => {
  it("takes true ranges across gaps and smooths them the Wilder way (by hand)", () => {
    const bars = [
      { high: 10, low: 8, close: 9 },
      { high: 12, low: 9, close: 11 },
      { high: 13, low: 11, close: 12 },
      { high: 14, low: 10, close: 13 },
      { high: 20, low: 19, close: 19.5 }, // gap up: |high - prev close| = 7 beats high - low = 1
    ];
    expect(computeTrueRange(bars)).toEqual([2, 3, 2, 4, 7]);
    const atr = computeAtr(bars, 3);
    expect(atr.slice(0, 2)).toEqual([null, null]);
    expect(atr[2]).toBeCloseTo(7 / 3, 12);
    expect(atr[3]).toBeCloseTo(26 / 9, 12); // (7/3 * 2 + 4) / 3
    expect(atr[4]).toBeCloseTo((26 / 9) * (2 / 3) + 7 / 3, 12);
  });
});
