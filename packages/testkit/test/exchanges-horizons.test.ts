import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { connect } from "./exchanges-helpers.js";

const NOW = Date.parse("2024-06-10T12:34:56Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let sim: ExchangeSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 21, nowMs: () => NOW });
});
afterAll(async () => {
  await sim.stop();
});

/** The raw answer of a simulated route, as any HTTP client would see it. */
async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe("history horizons: each route serves only what the real one keeps", () => {
  it("Binance openInterestHist refuses a startTime older than 30 days with -1130, and serves 30 days", async () => {
    const route = `${sim.urls.binance}/futures/data/openInterestHist?symbol=BTCUSDT&period=1h&limit=500`;
    expect(await get(`${route}&startTime=${NOW - 31 * DAY}`)).toEqual({
      status: 400,
      body: { code: -1130, msg: "parameter 'startTime' is invalid." },
    });
    // ccxt maps it to BadRequest: not retried, the series fails loudly.
    const binance = connect(sim, "binance");
    await expect(
      binance.fapiDataGetOpenInterestHist({
        symbol: "BTCUSDT",
        period: "1h",
        startTime: NOW - 31 * DAY,
        limit: 500,
      }),
    ).rejects.toBeInstanceOf(ccxt.BadRequest);

    const inside = await get(`${route}&startTime=${NOW - 30 * DAY + HOUR}`);
    expect(inside.status).toBe(200);
    const rows = inside.body as { timestamp: number }[];
    expect(rows).toHaveLength(500);
    expect(rows[0]?.timestamp).toBe(Math.ceil((NOW - 30 * DAY + HOUR) / HOUR) * HOUR);
    // Without a startTime the newest rows come, never one older than the horizon.
    const latest = (await get(route)).body as { timestamp: number }[];
    expect(latest.length).toBe(500);
    expect(Math.min(...latest.map((r) => r.timestamp))).toBeGreaterThanOrEqual(NOW - 30 * DAY);
  });

  it("OKX funding-rate-history keeps three months: older pages are empty, not an error", async () => {
    const route = `${sim.urls.okx}/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&limit=100`;
    const old = (await get(`${route}&after=${NOW - 91 * DAY}`)).body as { code: string; data: unknown[] };
    expect(old).toEqual({ code: "0", msg: "", data: [] });
    // Paging forward from before the horizon starts at the horizon.
    const forward = (await get(`${route}&before=${NOW - 120 * DAY}`)).body as {
      data: { fundingTime: string }[];
    };
    const times = forward.data.map((r) => Number(r.fundingTime));
    expect(times.length).toBeGreaterThan(0);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - 90 * DAY);
    expect(Math.min(...times)).toBeLessThan(NOW - 89 * DAY);
  });

  it("OKX liquidation-orders keeps the last day", async () => {
    const route = `${sim.urls.okx}/api/v5/public/liquidation-orders?instType=SWAP&instFamily=BTC-USDT&state=filled&limit=100`;
    const details = async (query: string) =>
      ((await get(`${route}${query}`)).body as { data: { details: { ts: string }[] }[] }).data.flatMap((d) =>
        d.details.map((x) => Number(x.ts)),
      );
    expect(await details(`&after=${NOW - DAY}`)).toEqual([]);
    // Paging back from now ends at the horizon.
    const all: number[] = [];
    let after = NOW;
    for (;;) {
      const page = await details(`&after=${after}`);
      all.push(...page);
      if (page.length < 100) break;
      after = Math.min(...page);
    }
    expect(all.length).toBeGreaterThan(0);
    expect(Math.min(...all)).toBeGreaterThan(NOW - DAY);
    expect(Math.min(...all)).toBeLessThan(NOW - DAY + 6 * HOUR);
  });

  it("OKX open-interest-history keeps the latest 1440 periods", async () => {
    const route = `${sim.urls.okx}/api/v5/rubik/stat/contracts/open-interest-history?instId=BTC-USDT-SWAP&period=1H&limit=100`;
    const lastClosed = Math.floor(NOW / HOUR) * HOUR - HOUR;
    const oldest = lastClosed - 1439 * HOUR;
    const page = (await get(`${route}&end=${oldest + 10 * HOUR}`)).body as { data: string[][] };
    expect(page.data.map((r) => Number(r[0])).at(-1)).toBe(oldest);
    expect((await get(`${route}&end=${oldest}`)).body).toEqual({ code: "0", msg: "", data: [] });
  });
});
