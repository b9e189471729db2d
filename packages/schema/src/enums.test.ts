import { describe, expect, it } from "vitest";
import { INTERVALS, INTERVAL_INFO, bucketStart, isNativeInterval, symbolSchema } from "./index.js";

describe("intervals", () => {
  it("reads each resampled interval from the finest native interval that divides it", () => {
    for (const interval of INTERVALS) {
      const info = INTERVAL_INFO[interval];
      expect(info.ms % INTERVAL_INFO[info.source].ms).toBe(0);
      expect(isNativeInterval(info.source)).toBe(true);
    }
    expect(INTERVAL_INFO["4h"].source).toBe("1h");
    expect(INTERVAL_INFO["15m"].source).toBe("1m");
    expect(INTERVAL_INFO["1w"].source).toBe("1d");
  });

  it("starts weeks on Monday and other buckets on round times", () => {
    const wednesday = Date.UTC(2024, 0, 3, 15, 30);
    expect(new Date(bucketStart(wednesday, "1w")).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(new Date(bucketStart(wednesday, "4h")).toISOString()).toBe("2024-01-03T12:00:00.000Z");
    expect(new Date(bucketStart(wednesday, "15m")).toISOString()).toBe("2024-01-03T15:30:00.000Z");
  });
});

describe("symbols", () => {
  it("accepts ccxt unified symbols and refuses anything else", () => {
    for (const ok of ["BTC/USDT", "BTC/USDT:USDT", "1000PEPE/USDT:USDT", "BTC/USD"]) {
      expect(symbolSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ["BTCUSDT", "btc/usdt", "BTC/USDT'; DROP", "../../etc/passwd", "BTC/USDT:USDT:X"]) {
      expect(symbolSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});
