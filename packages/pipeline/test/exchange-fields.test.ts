import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  generateFundingRates,
  generateOpenInterest,
  startExchangeSimulator,
  type ExchangeSimulator,
  type SimulatedExchange,
} from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter } from "../src/exchanges/registry.js";
import type { ExchangeAdapter, SeriesRef, SeriesRow, SeriesTable } from "../src/exchanges/types.js";
import { fetchSeries } from "../src/sources/rest/fetch-series.js";

// Issue 21: the right field with the same meaning on every exchange, page caps as the exchanges
// have them today, and real recorded payloads replayed through ccxt into the adapters.
const SEED = 5;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 8, 1, 12, 30);

const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = (rel: string): unknown =>
  JSON.parse(readFileSync(path.join(here, "fixtures/exchanges", rel), "utf8"));

let sim: ExchangeSimulator;
const adapters = new Map<SimulatedExchange, ExchangeAdapter>();

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW });
});
afterAll(async () => {
  await sim.stop();
});

async function adapter(exchange: SimulatedExchange): Promise<ExchangeAdapter> {
  const existing = adapters.get(exchange);
  if (existing) return existing;
  const created = createAdapter(exchange, { env: sim.env() });
  await created.loadMarkets();
  adapters.set(exchange, created);
  return created;
}

const ref = (exchange: string, table: SeriesTable, symbol: string): SeriesRef => ({
  table,
  exchange,
  market: symbol.includes(":") ? "perp" : "spot",
  symbol,
});

/** Every row of [sinceMs, untilMs) as the pipeline fetches it, oldest first, with the requests made. */
async function fetchAll(series: SeriesRef, sinceMs: number, untilMs: number) {
  const rows: SeriesRow[] = [];
  let requests = 0;
  for await (const page of fetchSeries({
    adapter: await adapter(series.exchange as SimulatedExchange),
    series,
    sinceMs,
    untilMs,
    nowMs: NOW,
  })) {
    rows.push(...page.rows);
    requests += page.requests;
  }
  return { rows: rows.sort((a, b) => a.ts - b.ts), requests };
}

const served = async (exchange: SimulatedExchange, pathAndQuery: string): Promise<unknown> =>
  (await fetch(`${sim.urls[exchange]}${pathAndQuery}`)).json();

/** How many requests and how much weight a call costs the simulator. */
async function cost<T>(exchange: SimulatedExchange, call: () => Promise<T>) {
  const before = { total: sim.counters[exchange].total, weight: sim.counters[exchange].weightUsed };
  const result = await call();
  return {
    result,
    requests: sim.counters[exchange].total - before.total,
    weight: sim.counters[exchange].weightUsed - before.weight,
  };
}

describe("the right field, the same meaning everywhere", () => {
  it("okx funding rows are the rates paid (realizedRate), not the predicted fundingRate", async () => {
    const since = NOW - 5 * DAY;
    const page = (await served(
      "okx",
      `/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&before=${since - 1}&after=${NOW}`,
    )) as { data: { fundingRate: string; realizedRate: string }[] };
    expect(page.data.length).toBeGreaterThan(10);
    for (const r of page.data) expect(r.fundingRate).not.toBe(r.realizedRate);

    const { rows } = await fetchAll(ref("okx", "funding_rates", "BTC/USDT:USDT"), since, NOW);
    const paid = generateFundingRates({
      seed: SEED,
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      startMs: since,
      endMs: NOW,
    });
    expect(rows.map((r) => [r.ts, (r as unknown as { funding_rate: number }).funding_rate])).toEqual(
      paid.map((f) => [f.ts, f.fundingRate]),
    );
  });

  it("open interest counts each contract once on Binance, OKX and Bybit, before and after Bybit's 2026-06-11 change", async () => {
    const since = Math.floor(NOW / HOUR) * HOUR - 3 * DAY;
    const until = since + 2 * DAY;
    const oneSide = (exchange: string, startMs: number, endMs: number) =>
      generateOpenInterest({
        seed: SEED,
        exchange,
        symbol: "BTC/USDT:USDT",
        startMs,
        endMs,
        periodMs: HOUR,
      }).map((o) => [o.ts, o.openInterest]);
    const stored = async (exchange: string, startMs: number, endMs: number) =>
      (await fetchAll(ref(exchange, "open_interest", "BTC/USDT:USDT"), startMs, endMs)).rows.map((r) => [
        r.ts,
        (r as unknown as { open_interest: number }).open_interest,
      ]);
    for (const exchange of ["binance", "okx", "bybit"]) {
      expect(await stored(exchange, since, until), exchange).toEqual(oneSide(exchange, since, until));
    }
    // Bybit serves both sides in `openInterest`; the one side too from 2026-06-11.
    const switchDay = Date.UTC(2026, 5, 11);
    const raw = (await served(
      "bybit",
      `/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=1h&startTime=${switchDay - 2 * HOUR}&endTime=${switchDay + HOUR}&limit=200`,
    )) as { result: { list: { openInterest: string; singleOpenInterest?: string; timestamp: string }[] } };
    const byTs = new Map(raw.result.list.map((r) => [Number(r.timestamp), r]));
    const want = new Map(oneSide("bybit", switchDay - 2 * HOUR, switchDay + 2 * HOUR) as [number, number][]);
    expect(Number(byTs.get(switchDay - HOUR)?.openInterest)).toBe(2 * want.get(switchDay - HOUR)!);
    expect(byTs.get(switchDay - HOUR)?.singleOpenInterest).toBeUndefined();
    expect(Number(byTs.get(switchDay)?.singleOpenInterest)).toBe(want.get(switchDay));
    expect(await stored("bybit", switchDay - 3 * HOUR, switchDay + 3 * HOUR)).toEqual(
      oneSide("bybit", switchDay - 3 * HOUR, switchDay + 3 * HOUR),
    );
  });

  it("binance funding interval comes from /fapi/v1/fundingInfo, not the 8 h fallback", async () => {
    // One DOGE funding time (every 4 h) in the window: no neighbour to measure the spacing from.
    const boundary = Math.floor((NOW - DAY) / (4 * HOUR)) * 4 * HOUR;
    const before = sim.counters.binance.requests["/fapi/v1/fundingInfo"] ?? 0;
    const { rows } = await fetchAll(
      ref("binance", "funding_rates", "DOGE/USDT:USDT"),
      boundary - HOUR,
      boundary + HOUR,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ interval_hours: 4 });
    expect(sim.counters.binance.requests["/fapi/v1/fundingInfo"]).toBe(before + 1);
  });
});

describe("page caps as the exchanges have them", () => {
  it("binance USD-M klines come 499 a page, the lowest weight per row (2 for 499, 5 for 1000)", async () => {
    const since = Math.floor(NOW / HOUR) * HOUR - DAY;
    await adapter("binance");
    const perp = await cost("binance", () =>
      fetchAll(ref("binance", "ohlcv_1m", "BTC/USDT:USDT"), since, since + 1440 * 60_000),
    );
    expect(perp.result.rows).toHaveLength(1440);
    expect(perp.requests).toBe(3);
    expect(perp.weight).toBe(6);
    // The simulator weighs by limit as fapi does.
    const weigh = async (limit: number) =>
      (
        await cost("binance", () =>
          served("binance", `/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=${limit}`),
        )
      ).weight;
    expect([
      await weigh(99),
      await weigh(100),
      await weigh(499),
      await weigh(500),
      await weigh(1000),
      await weigh(1001),
    ]).toEqual([1, 2, 2, 5, 5, 10]);
  });

  it("okx history-candles serve 300 a page and funding history 400, and the pipeline asks for that", async () => {
    const since = Math.floor(NOW / HOUR) * HOUR - 200 * DAY;
    const history = (await served(
      "okx",
      `/api/v5/market/history-candles?instId=BTC-USDT&bar=1H&after=${since + 1000 * HOUR}&limit=1000`,
    )) as { data: unknown[] };
    expect(history.data).toHaveLength(300);
    await adapter("okx");
    const candles = await cost("okx", () =>
      fetchAll(ref("okx", "ohlcv_1h", "BTC/USDT"), since, since + 600 * HOUR),
    );
    expect(candles.result.rows).toHaveLength(600);
    expect(candles.requests).toBe(2);

    // OKX keeps three months of funding: 270 rows of BTC's 8 h funding fit one page; DOGE pays every
    // 4 h, so its 540 rows show the 400 cap.
    const funding = (await served(
      "okx",
      `/api/v5/public/funding-rate-history?instId=DOGE-USDT-SWAP&limit=1000`,
    )) as {
      data: unknown[];
    };
    expect(funding.data).toHaveLength(400);
    const ninetyDays = await cost("okx", () =>
      fetchAll(ref("okx", "funding_rates", "BTC/USDT:USDT"), NOW - 89 * DAY, NOW),
    );
    expect(ninetyDays.result.rows).toHaveLength(267);
    expect(ninetyDays.requests).toBe(1);
    const doge = await cost("okx", () =>
      fetchAll(ref("okx", "funding_rates", "DOGE/USDT:USDT"), NOW - 89 * DAY, NOW),
    );
    expect(doge.result.rows).toHaveLength(534);
    expect(doge.requests).toBe(2);
  });

  it("coinbase candles come 350 a page; a longer span is refused", async () => {
    const start = Math.floor((NOW - DAY) / 60_000) * 60;
    const span = async (candles: number) =>
      (
        await fetch(
          `${sim.urls.coinbase}/api/v3/brokerage/market/products/BTC-USD/candles?granularity=ONE_MINUTE&start=${start}&end=${start + candles * 60}`,
        )
      ).status;
    expect([await span(350), await span(351)]).toEqual([200, 400]);
    const since = start * 1000;
    await adapter("coinbase");
    const { result, requests } = await cost("coinbase", () =>
      fetchAll(ref("coinbase", "ohlcv_1m", "BTC/USD"), since, since + 700 * 60_000),
    );
    expect(result.rows).toHaveLength(700);
    expect(requests).toBe(2);
  });
});

describe("real recorded payloads replayed through ccxt into the adapters", () => {
  const query = (series: SeriesRef, sinceMs: number, untilMs: number) => ({
    series,
    sinceMs,
    untilMs,
    nowMs: NOW,
  });

  it("binance fundingRate, openInterestHist and fundingInfo of 2025-09-15", async () => {
    const binance = await adapter("binance");
    const funding = recorded("binance_rest/fapi_v1_fundingRate.BTCUSDT_limit100.json") as {
      fundingTime: number;
      fundingRate: string;
      markPrice: string;
    }[];
    sim.replay("binance", "/fapi/v1/fundingRate", funding);
    try {
      const page = await binance.fetchPage(
        query(ref("binance", "funding_rates", "BTC/USDT:USDT"), funding[0]!.fundingTime, NOW),
      );
      expect(page.rows.map((r) => r.ts)).toEqual(funding.map((f) => f.fundingTime));
      expect(page.rows[0]).toMatchObject({
        funding_rate: 0.0001,
        mark_price: 119546.71040942,
        interval_hours: 8,
      });
    } finally {
      sim.replay("binance", "/fapi/v1/fundingRate", undefined);
    }

    const oi = recorded("binance_rest/futures_data_openInterestHist.BTCUSDT_1h_limit100.json") as {
      timestamp: number;
      sumOpenInterest: string;
      sumOpenInterestValue: string;
    }[];
    sim.replay("binance", "/futures/data/openInterestHist", oi);
    try {
      const page = await binance.fetchPage(
        query(ref("binance", "open_interest", "BTC/USDT:USDT"), oi[0]!.timestamp, NOW),
      );
      expect(page.rows.map((r) => [r.ts, (r as unknown as { open_interest: number }).open_interest])).toEqual(
        oi.map((o) => [o.timestamp, Number(o.sumOpenInterest)]),
      );
      expect(page.rows[0]).toMatchObject({
        open_interest: 93448.918,
        open_interest_value: 10656925173.187464,
      });
    } finally {
      sim.replay("binance", "/futures/data/openInterestHist", undefined);
    }

    // The real list of 2025 has DOGEUSDT at 8 h (the simulator pays it every 4 h): the stated hours
    // of a lone funding row come from the replayed list.
    const fresh = createAdapter("binance", { env: sim.env() });
    await fresh.loadMarkets();
    sim.replay("binance", "/fapi/v1/fundingInfo", recorded("binance_rest/fapi_v1_fundingInfo.all.json"));
    try {
      const boundary = Math.floor((NOW - 2 * DAY) / (4 * HOUR)) * 4 * HOUR;
      const page = await fresh.fetchPage(
        query(ref("binance", "funding_rates", "DOGE/USDT:USDT"), boundary - HOUR, boundary + HOUR),
      );
      expect(page.rows.map((r) => (r as unknown as { interval_hours: number }).interval_hours)).toEqual([8]);
    } finally {
      sim.replay("binance", "/fapi/v1/fundingInfo", undefined);
    }
  });

  it("bybit's recorded open interest (2025-02-16, both sides) is stored as one side", async () => {
    const bybit = await adapter("bybit");
    const { methods } = recorded("ccxt_static/response/bybit.subset.json") as {
      methods: Record<string, { description: string; httpResponse: unknown }[]>;
    };
    const linear = methods["fetchOpenInterest"]!.find((e) => e.description === "linear OI")!;
    sim.replay("bybit", "/v5/market/open-interest", linear.httpResponse);
    try {
      const page = await bybit.fetchPage(
        query(ref("bybit", "open_interest", "BTC/USDT:USDT"), 1739725200000, 1739725200000 + HOUR),
      );
      expect(page.rows.map((r) => [r.ts, (r as unknown as { open_interest: number }).open_interest])).toEqual(
        [[1739725200000, 62129.455 / 2]],
      );
    } finally {
      sim.replay("bybit", "/v5/market/open-interest", undefined);
    }
  });

  it("okx's recorded funding history (2024-01-01) is stored at its realised rates", async () => {
    const okx = await adapter("okx");
    sim.replay(
      "okx",
      "/api/v5/public/funding-rate-history",
      recorded("okx/http_get_funding_rate_history.json"),
    );
    try {
      const page = await okx.fetchPage(
        query(ref("okx", "funding_rates", "BTC/USDT:USDT"), 1704038400000, 1704067200001),
      );
      expect(page.rows.map((r) => [r.ts, (r as unknown as { funding_rate: number }).funding_rate])).toEqual([
        [1704038400000, -0.00002],
        [1704067200000, 0.00015],
      ]);
    } finally {
      sim.replay("okx", "/api/v5/public/funding-rate-history", undefined);
    }
  });
});
