import { afterEach, describe, expect, it } from "vitest";
import { parseLatency, startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { createLatency } from "../src/exchanges/latency.js";
import { connect } from "./exchanges-helpers.js";

const NOW = Date.parse("2024-06-10T12:34:56Z");
let sim: ExchangeSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("network latency on the exchange simulators", () => {
  it("draws each request's delay from the range, the same sequence for the same seed", () => {
    const draws = (seed: number) => {
      const next = createLatency({ minMs: 50, maxMs: 150 }, seed, "binance");
      return Array.from({ length: 200 }, next);
    };
    const delays = draws(3);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays)).toBeLessThanOrEqual(150);
    // Spread over the range, not one value.
    expect(new Set(delays.map((d) => Math.floor(d / 25))).size).toBe(4);
    expect(draws(3)).toEqual(delays);
    expect(draws(4)).not.toEqual(delays);
    expect(createLatency(undefined, 3, "okx")()).toBe(0);
  });

  it("reads the CLI's forms and refuses others", () => {
    expect(parseLatency("80")).toBe(80);
    expect(parseLatency("50-150")).toEqual({ minMs: 50, maxMs: 150 });
    expect(() => parseLatency("fast")).toThrow(RangeError);
    expect(() => createLatency({ minMs: 150, maxMs: 50 }, 1, "okx")).toThrow(RangeError);
  });

  it("holds every answer back by the delay, and ccxt still gets the real answer", async () => {
    sim = await startExchangeSimulator({ seed: 5, nowMs: () => NOW, latency: 120 });
    const started = performance.now();
    const answer = await fetch(`${sim.urls.binance}/api/v3/ping`);
    // setTimeout may fire a millisecond early; the delay is a floor, not a measured speed.
    expect(performance.now() - started).toBeGreaterThanOrEqual(118);
    expect(answer.status).toBe(200);
    const okx = connect(sim, "okx");
    await okx.loadMarkets();
    const rows = await okx.fetchOHLCV("BTC/USDT", "1h", NOW - 10 * 3_600_000, 5);
    expect(rows).toHaveLength(5);
  });
});
