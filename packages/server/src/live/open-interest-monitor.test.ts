import { describe, expect, it } from "vitest";
import { DEFAULT_SPIKE_THRESHOLDS, OpenInterestMonitor, type OiSpike } from "./open-interest-monitor.js";

const HOUR = 3_600_000;

/** Hourly open interest alternating +-0.1% (a known spread), then one bucket moving `jump`. */
function feedHours(monitor: OpenInterestMonitor, jump: number, hours = 60): void {
  let oi = 10_000;
  for (let h = 0; h < hours; h++) {
    // Two samples per hour (open and close of the bucket), so every interval sees each change.
    const change = h === hours - 2 ? jump : h % 2 === 0 ? 0.001 : -0.001;
    monitor.addOpenInterest({ exchange: "bybit", symbol: "BTC/USDT:USDT", ts: h * HOUR, openInterest: oi });
    oi *= 1 + change;
    monitor.addOpenInterest({
      exchange: "bybit",
      symbol: "BTC/USDT:USDT",
      ts: h * HOUR + HOUR - 1,
      openInterest: oi,
    });
  }
}

describe("OpenInterestMonitor", () => {
  it("flags a bucket past its interval's threshold: 1h at 2.0, not at 15m's 2.5", () => {
    expect(DEFAULT_SPIKE_THRESHOLDS).toEqual({ "5m": 3.0, "15m": 2.5, "1h": 2.0 });
    // A move of ~2.3 standard deviations of the hourly changes.
    const at = (threshold: number) => {
      const spikes: OiSpike[] = [];
      feedHours(new OpenInterestMonitor((s) => spikes.push(s), { thresholds: { "1h": threshold } }), 0.0023);
      return spikes;
    };
    const flagged = at(2.0);
    expect(flagged.map((s) => [s.interval, s.kind, s.ts])).toEqual([["1h", "open_interest", 58 * HOUR]]);
    expect(flagged[0]!.zScore).toBeGreaterThan(2.0);
    expect(flagged[0]!.zScore).toBeLessThan(2.5);
    expect(at(2.5)).toEqual([]);
  });

  it("stays quiet until it has minSamples past values, then flags a jump on every interval that saw it", () => {
    const early: OiSpike[] = [];
    feedHours(new OpenInterestMonitor((s) => early.push(s)), 0.5, 10);
    expect(early).toEqual([]);
    const spikes: OiSpike[] = [];
    feedHours(new OpenInterestMonitor((s) => spikes.push(s)), 0.05);
    expect(new Set(spikes.map((s) => s.interval))).toEqual(new Set(["5m", "15m", "1h"]));
    expect(spikes.every((s) => s.kind === "open_interest" && s.value > 0.04)).toBe(true);
  });

  it("scores closed candles' volume the same way", () => {
    const spikes: OiSpike[] = [];
    const monitor = new OpenInterestMonitor((s) => spikes.push(s), { minSamples: 5, window: 10 });
    for (let i = 0; i < 12; i++) {
      const volume = i === 11 ? 500 : 100 + (i % 2);
      monitor.addClosedCandle({
        exchange: "okx",
        symbol: "BTC/USDT:USDT",
        interval: "5m",
        ts: i * 300_000,
        volume,
      });
    }
    monitor.addClosedCandle({ exchange: "okx", symbol: "BTC/USDT:USDT", interval: "1m", ts: 0, volume: 1e9 });
    expect(spikes.map((s) => [s.kind, s.interval, s.value])).toEqual([["volume", "5m", 500]]);
  });
});
