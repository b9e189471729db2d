import { DOUBLE, DuckDBInstance, LIST, listValue } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  alignOnTs,
  computeAverageFundingApr,
  computeBasis,
  computeCorrelationMatrix,
  computeFundingApr,
  computeFundingSeries,
  computePearsonCorrelation,
  computeReturns,
  computeRollingVwap,
  computeRollingZScore,
  computeVolumeProfile,
  computeVwap,
  detectOpenInterestAnomalies,
  detectVolumeAnomalies,
  selectCloses,
} from "../src/analytics/index.js";
import { generateCandles } from "./analytics-candles.js";

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2024, 0, 1) + hours * HOUR);

describe("funding", () => {
  it("annualises a rate by its own interval (by hand)", () => {
    expect(computeFundingApr(0.0001, 8)).toBeCloseTo(0.1095, 15); // 0.01% x 3 a day x 365
    expect(computeFundingApr(0.0001, 4)).toBeCloseTo(0.219, 15);
    expect(computeFundingApr(-0.0002, 1)).toBeCloseTo(-1.752, 15);
  });

  it("accumulates the rates paid, in time order, and averages across interval changes", () => {
    const rows = [
      { ts: at(16), fundingRate: -0.0001, intervalHours: 4 },
      { ts: at(0), fundingRate: 0.0001, intervalHours: 8 },
      { ts: at(8), fundingRate: 0.0003, intervalHours: 8 },
    ];
    const series = computeFundingSeries(rows);
    expect(series.map((p) => p.ts)).toEqual([at(0), at(8), at(16)]);
    [0.0001, 0.0004, 0.0003].forEach((want, i) => expect(series[i]?.cumulative).toBeCloseTo(want, 15));
    expect(series[2]?.apr).toBeCloseTo(-0.219, 15);
    // 0.0003 paid over 20 hours -> 0.0003 / 20 x 24 x 365.
    expect(computeAverageFundingApr(rows)).toBeCloseTo((0.0003 / 20) * 24 * 365, 15);
  });
});

describe("basis", () => {
  it("compares perp and spot closes on the timestamps both have", () => {
    const perp = [
      { ts: at(0), close: 101 },
      { ts: at(1), close: 102 },
      { ts: at(2), close: 99 },
    ];
    const spot = [
      { ts: at(2), close: 100 },
      { ts: at(0), close: 100 },
    ];
    const basis = computeBasis(perp, spot);
    expect(basis.map((b) => [b.ts, b.basis])).toEqual([
      [at(0), 1],
      [at(2), -1],
    ]);
    expect(basis[0]?.basisRate).toBeCloseTo(0.01, 15);
  });
});

describe("anomalies", () => {
  it("scores a value against the window before it (by hand)", () => {
    // Baseline 100, 102 alternating (24 values): mean 101, sample sd sqrt(24 / 23).
    const oi = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 100 : 102));
    const z = computeRollingZScore([...oi, 150], 24);
    expect(z.slice(0, 24).every((v) => v === null)).toBe(true);
    expect(z[24]).toBeCloseTo(49 / Math.sqrt(24 / 23), 10);
  });

  it("flags open-interest and volume spikes past the threshold, with a configurable window", () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      ts: at(i),
      openInterest: 1000 + (i % 3),
      volume: 10 + (i % 2),
    }));
    rows[40] = { ts: at(40), openInterest: 1400, volume: 10 };
    rows[50] = { ts: at(50), openInterest: 1001, volume: 0.1 };
    // Open interest is scored on its change by default (the +40% jump; the fall right after is
    // measured against a baseline that now holds the jump, so it stays under the threshold).
    const oi = detectOpenInterestAnomalies(rows, { window: 12, threshold: 3 });
    expect(oi.map((a) => [a.ts, a.direction, a.value])).toEqual([[at(40), "up", 1400]]);
    const levels = detectOpenInterestAnomalies(rows, { window: 12, threshold: 3, on: "level" });
    expect(levels.map((a) => [a.ts, a.direction])).toEqual([[at(40), "up"]]);
    const down = detectVolumeAnomalies(rows, { window: 6, threshold: 4 });
    expect(down.map((a) => [a.ts, a.direction])).toEqual([[at(50), "down"]]);
    expect(detectOpenInterestAnomalies(rows, { window: 12, threshold: 1000 })).toEqual([]);
  });
});

describe("correlation", () => {
  it("aligns the series on ts before taking returns (by hand)", () => {
    const a = [100, 110, 99, 108.9, 120].map((v, i) => ({ ts: at(i), value: v }));
    // c's returns are exactly minus a's: correlation -1.
    let cPrice = 70;
    const c = a.map((p, i) => {
      const prev = a[i - 1];
      if (prev !== undefined) cPrice *= 1 - (p.value / prev.value - 1);
      return { ts: p.ts, value: cPrice };
    });
    expect(computeCorrelationMatrix({ A: a, C: c }).matrix[0]?.[1]).toBeCloseTo(-1, 12);
    // b misses hour 3, so hour 3 is dropped for every series and the hour-4 return spans hours 2 to 4.
    const b = a.filter((_, i) => i !== 3).map((p) => ({ ts: p.ts, value: p.value * 2 }));
    expect(alignOnTs([a, b, c]).map((r) => r.ts)).toEqual([at(0), at(1), at(2), at(4)]);
    const result = computeCorrelationMatrix({ A: a, B: b, C: c });
    expect(result.names).toEqual(["A", "B", "C"]);
    expect(result.observations).toBe(3);
    expect(result.matrix[0]?.[1]).toBeCloseTo(1, 12); // b is a at twice the price: same returns
    expect(result.matrix[1]?.[1]).toBe(1);
    expect(result.matrix[2]?.[0]).toBe(result.matrix[0]?.[2]);
    // A and C, aligned the same way: returns 10%, -10%, 120/99 - 1 vs their c counterparts.
    const cAligned = [0, 1, 2, 4].map((i) => c[i]?.value as number);
    const cReturns = computeReturns(cAligned).slice(1) as number[];
    const aReturns = [0.1, -0.1, 120 / 99 - 1];
    expect(result.matrix[0]?.[2]).toBeCloseTo(computePearsonCorrelation(aReturns, cReturns), 12);
  });

  it("agrees with DuckDB's corr() on aligned returns of two token series", async () => {
    const btc = generateCandles(120, { seed: 1 });
    const eth = generateCandles(120, { seed: 2, symbol: "ETH/USDT" }).filter((_, i) => i % 17 !== 5);
    const result = computeCorrelationMatrix({ BTC: selectCloses(btc), ETH: selectCloses(eth) });
    const aligned = alignOnTs([selectCloses(btc), selectCloses(eth)]);
    const x = computeReturns(aligned.map((r) => r.values[0] as number)).slice(1) as number[];
    const y = computeReturns(aligned.map((r) => r.values[1] as number)).slice(1) as number[];
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      "SELECT corr(x, y) AS r FROM (SELECT unnest($x) AS x, unnest($y) AS y)",
      { x: listValue(x), y: listValue(y) },
      { x: LIST(DOUBLE), y: LIST(DOUBLE) },
    );
    const duck = (reader.getRowObjectsJS()[0] as { r: number }).r;
    connection.closeSync();
    instance.closeSync();
    expect(result.observations).toBe(x.length);
    expect(result.matrix[0]?.[1]).toBeCloseTo(duck, 12);
  });
});

describe("VWAP", () => {
  it("weights typical prices by volume, cumulative and rolling (by hand)", () => {
    const bars = [
      { high: 10, low: 8, close: 9, volume: 1 }, // typical 9
      { high: 12, low: 10, close: 11, volume: 3 }, // typical 11
      { high: 13, low: 11, close: 12, volume: 0 }, // typical 12, no volume
    ];
    expect(computeVwap(bars)).toEqual([9, 10.5, 10.5]);
    expect(computeRollingVwap(bars, 2)).toEqual([null, 10.5, 11]);
    expect(computeVwap([{ high: 1, low: 1, close: 1, volume: 0 }])).toEqual([null]);
  });
});

describe("volume profile", () => {
  it("spreads each candle's volume over its range and finds the point of control (by hand)", () => {
    const profile = computeVolumeProfile(
      [
        { low: 0, high: 10, volume: 10 }, // 5 into [0, 5), 5 into [5, 10]
        { low: 2, high: 2, volume: 4 }, // all into [0, 5)
      ],
      { bins: 2 },
    );
    expect(profile.bins).toEqual([
      { low: 0, high: 5, volume: 9 },
      { low: 5, high: 10, volume: 5 },
    ]);
    expect(profile.pointOfControl).toBe(2.5);
    expect([profile.valueAreaLow, profile.valueAreaHigh]).toEqual([0, 10]); // 9 / 14 < 70%
    const total = computeVolumeProfile(generateCandles(200)).bins.reduce((s, b) => s + b.volume, 0);
    const traded = generateCandles(200).reduce((s, c) => s + c.volume, 0);
    expect(total).toBeCloseTo(traded, 6);
  });
});
