import { describe, expect, it } from "vitest";
import {
  generateCandles,
  generateFundingRates,
  generateLiquidations,
  generateOpenInterest,
  modelSymbol,
} from "./index.js";

const seed = 7;
const start = Date.parse("2024-03-01T00:00:00Z");
const DAY = 86_400_000;

describe("generateCandles", () => {
  it("gives the same numbers whatever page a candle is asked in", () => {
    const btcMinutes = { seed, exchange: "binance", symbol: "BTC/USDT", interval: "1m" } as const;
    const whole = generateCandles({ ...btcMinutes, startMs: start, endMs: start + 300 * 60_000 });
    const page = generateCandles({
      ...btcMinutes,
      startMs: start + 100 * 60_000,
      endMs: start + 150 * 60_000,
    });
    expect(whole).toHaveLength(300);
    expect(page).toEqual(whole.slice(100, 150));
  });

  it("keeps OHLC valid and BTC near its usual level", () => {
    const candles = generateCandles({
      seed,
      exchange: "okx",
      symbol: "BTC/USDT",
      interval: "1h",
      startMs: start,
      endMs: start + 30 * DAY,
    });
    for (const c of candles) {
      expect(c.low).toBeGreaterThan(0);
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(c.open).toBeGreaterThan(20_000);
      expect(c.open).toBeLessThan(180_000);
    }
  });

  it("builds 1h and 1d candles from exactly the 1m candles: first open, max high, min low, last close, summed volumes", () => {
    const p = { seed, exchange: "bybit", symbol: "ETH/USDT:USDT" };
    const minutes = generateCandles({ ...p, interval: "1m", startMs: start, endMs: start + DAY });
    const hours = generateCandles({ ...p, interval: "1h", startMs: start, endMs: start + DAY });
    const days = generateCandles({ ...p, interval: "1d", startMs: start, endMs: start + DAY });
    const model = modelSymbol(seed, "bybit", "ETH/USDT:USDT");
    expect(minutes).toHaveLength(24 * 60);
    expect(hours).toHaveLength(24);
    expect(days).toHaveLength(1);
    // Computed here, not by the generator's own aggregation; volumes are rounded to the symbol's step.
    const expectAggregateOf = (candle: (typeof minutes)[number], parts: typeof minutes) => {
      expect(candle.ts).toBe(parts[0]!.ts);
      expect(candle.open).toBe(parts[0]!.open);
      expect(candle.high).toBe(Math.max(...parts.map((c) => c.high)));
      expect(candle.low).toBe(Math.min(...parts.map((c) => c.low)));
      expect(candle.close).toBe(parts.at(-1)!.close);
      expect(candle.trades).toBe(parts.reduce((n, c) => n + c.trades, 0));
      const volume = parts.reduce((n, c) => n + c.volume, 0);
      const quoteVolume = parts.reduce((n, c) => n + c.quoteVolume, 0);
      expect(Math.abs(candle.volume - volume)).toBeLessThanOrEqual(
        10 ** -model.volumeDecimals / 2 + 1e-9 * volume,
      );
      expect(Math.abs(candle.quoteVolume - quoteVolume)).toBeLessThanOrEqual(
        10 ** -model.quoteDecimals / 2 + 1e-9 * quoteVolume,
      );
    };
    hours.forEach((h, i) => expectAggregateOf(h, minutes.slice(i * 60, i * 60 + 60)));
    expectAggregateOf(days[0]!, minutes);
  });

  it("serves nothing before listing nor after delisting, and stops at now", () => {
    const listed = Date.parse("2017-08-17T00:00:00Z");
    const binance = (symbol: string, interval: "1h" | "1d", startMs: number, endMs: number, nowMs?: number) =>
      generateCandles({ seed, exchange: "binance", symbol, interval, startMs, endMs, nowMs });
    const early = binance("BTC/USDT", "1d", listed - 5 * DAY, listed + 2 * DAY);
    expect(early.map((c) => c.ts)).toEqual([listed, listed + DAY]);
    const halted = Date.parse("2022-05-13T00:00:00Z");
    const luna = binance("LUNA/USDT", "1h", halted - 3_600_000, halted + DAY);
    expect(luna).toHaveLength(1);
    const now = start + 90 * 60_000 + 30_000;
    const forming = binance("BTC/USDT", "1h", start, start + DAY, now);
    expect(forming.map((c) => c.ts)).toEqual([start, start + 3_600_000]);
  });
});

describe("derivative series", () => {
  const p = { seed, exchange: "binance", symbol: "BTC/USDT:USDT", startMs: start, endMs: start + 2 * DAY };
  it("pays funding every 8h with Binance's few ms of jitter, 4h where the contract says so", () => {
    const rates = generateFundingRates(p);
    expect(rates).toHaveLength(6);
    for (const r of rates) expect(r.ts % (8 * 3_600_000)).toBeLessThan(25);
    const doge = generateFundingRates({ ...p, exchange: "okx", symbol: "DOGE/USDT:USDT" });
    expect(doge).toHaveLength(12);
    expect(doge.every((r) => r.intervalHours === 4 && r.ts % (4 * 3_600_000) === 0)).toBe(true);
  });

  it("samples open interest on its period and a few liquidations an hour", () => {
    const oi = generateOpenInterest({ ...p, periodMs: 3_600_000 });
    expect(oi).toHaveLength(48);
    expect(oi.every((o) => o.openInterest > 0 && o.openInterestValue > o.openInterest)).toBe(true);
    const liq = generateLiquidations(p);
    expect(liq.length).toBeGreaterThan(48);
    expect(liq.length).toBeLessThan(48 * 6);
    expect([...liq].sort((a, b) => a.ts - b.ts)).toEqual(liq);
  });
});
