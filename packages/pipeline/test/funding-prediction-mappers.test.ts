import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createAdapter } from "../src/exchanges/registry.js";
import { mapBinanceFundingPrediction } from "../src/exchanges/binance-derivatives.js";
import { mapBybitFundingPrediction } from "../src/exchanges/bybit-derivatives.js";
import { mapOkxFundingPrediction } from "../src/exchanges/okx-derivatives.js";
import type { SeriesRef } from "../src/exchanges/types.js";
import { validateRows } from "../src/validate/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(here, "fixtures/funding_predictions", name), "utf8"));
const HOUR = 3_600_000;
const perp = (exchange: string): SeriesRef => ({
  table: "funding_predictions",
  exchange,
  market: "perp",
  symbol: "BTC/USDT:USDT",
});
const identity = (exchange: string) => ({ exchange, symbol: "BTC/USDT:USDT", base: "BTC", quote: "USDT" });
/** The top of the hour a reading taken at `ms` is stored at. */
const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;

describe("funding prediction mappers on recorded payloads", () => {
  it("binance premiumIndex: lastFundingRate is the rate predicted for nextFundingTime, with mark and index", () => {
    const body = load("binance_fapi_v1_premiumIndex.BTCUSDT.json") as { time: number };
    const ts = hourOf(body.time);
    const row = mapBinanceFundingPrediction(perp("binance"), body, ts);
    expect(row).toEqual({
      ...identity("binance"),
      ts: Date.UTC(2025, 8, 15, 11),
      funding_time: Date.UTC(2025, 8, 15, 16),
      funding_rate: 0.00008425,
      mark_price: 114873.4,
      index_price: 114915.30608696,
    });
    expect(validateRows("funding_predictions", [row], { source: "rest", nowMs: body.time }).accepted).toEqual(
      [row],
    );
  });

  it("okx funding-rate: fundingRate for the upcoming fundingTime (not nextFundingTime); no mark or index", () => {
    const body = load("docs_example_via_JKorf.okx_api_v5_public_funding-rate.json");
    const readAt = 1703070685309;
    const row = mapOkxFundingPrediction(perp("okx"), body, hourOf(readAt));
    expect(row).toEqual({
      ...identity("okx"),
      ts: Date.UTC(2023, 11, 20, 11),
      funding_time: 1703088000000,
      funding_rate: 0.000079238688534,
      mark_price: null,
      index_price: null,
    });
    expect(
      validateRows("funding_predictions", [row], { source: "rest", nowMs: readAt }).accepted,
    ).toHaveLength(1);
  });

  it("bybit linear ticker: fundingRate for nextFundingTime, mark and index from the same answer", () => {
    const body = load("ccxt_bybit_fetchFundingRate.BTCUSDT.json") as { time: string };
    const row = mapBybitFundingPrediction(perp("bybit"), body, hourOf(Number(body.time)));
    expect(row).toEqual({
      ...identity("bybit"),
      ts: Date.UTC(2024, 10, 4, 14),
      funding_time: Date.UTC(2024, 10, 4, 16),
      funding_rate: 0.0001,
      mark_price: 68591.46,
      index_price: 68599.9,
    });
    expect(
      validateRows("funding_predictions", [row], { source: "rest", nowMs: Number(body.time) }).accepted,
    ).toHaveLength(1);
  });

  it("a malformed reading reaches validation and is quarantined with its reason, not dropped", () => {
    const body = { ...(load("binance_fapi_v1_premiumIndex.BTCUSDT.json") as object), lastFundingRate: "" };
    const row = mapBinanceFundingPrediction(perp("binance"), body, Date.UTC(2025, 8, 15, 11));
    const { accepted, rejected } = validateRows("funding_predictions", [row], {
      source: "rest",
      nowMs: Date.UTC(2025, 8, 15, 12),
    });
    expect(accepted).toEqual([]);
    expect(rejected[0]).toMatchObject({
      reason: "non_finite_number",
      detail: expect.stringMatching(/funding_rate/),
    });
  });

  it("replays each kept body at the hour it was read for; a body kept without it is unreadable", () => {
    const market = { id: "BTCUSDT" } as never;
    const replay = createAdapter("bybit").tables.funding_predictions!.replay!;
    const body = load("ccxt_bybit_fetchFundingRate.BTCUSDT.json");
    const hour = Date.UTC(2024, 10, 4, 14);
    const { rows, unreadable } = replay(
      perp("bybit"),
      [
        { body, endpoint: "/v5/market/tickers", pageSinceMs: hour },
        { body, endpoint: "/v5/market/tickers" },
        { body: { retCode: 0, result: {} }, endpoint: "/v5/market/tickers", pageSinceMs: hour + HOUR },
      ],
      market,
    );
    expect(rows).toEqual([mapBybitFundingPrediction(perp("bybit"), body, hour)]);
    expect(unreadable.map((u) => u.index)).toEqual([1, 2]);
  });
});
