import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROW_SCHEMAS } from "@cexdata/schema";
import { describe, expect, it } from "vitest";
import { mapBinanceLongShort, mapBinancePriceKlines } from "../src/exchanges/binance-derivatives.js";
import { mapBybitAccountRatio, mapBybitPriceKlines } from "../src/exchanges/bybit-derivatives.js";
import {
  aggregatePremiumHours,
  mapOkxLongShort,
  mapOkxPriceCandles,
  readOkxPremiumSamples,
} from "../src/exchanges/okx-derivatives.js";
import type { SeriesRef } from "../src/exchanges/types.js";
import { validateRows } from "../src/validate/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (rel: string): unknown =>
  JSON.parse(readFileSync(path.join(here, "fixtures/derivatives", rel), "utf8"));
const perp = (exchange: string, table: SeriesRef["table"]): SeriesRef => ({
  table,
  exchange,
  market: "perp",
  symbol: "BTC/USDT:USDT",
});
const identity = (exchange: string) => ({ exchange, symbol: "BTC/USDT:USDT", base: "BTC", quote: "USDT" });
const NOW = Date.UTC(2025, 8, 15, 11, 28);

describe("derivatives mappers on recorded payloads", () => {
  it("binance mark, index and premium klines: every value as Binance sent it, volume columns ignored", () => {
    const raw = load("binance_rest/fapi_v1_markPriceKlines.BTCUSDT_1h_limit100.json") as unknown[][];
    const mark = mapBinancePriceKlines(perp("binance", "mark_ohlcv_1h"), raw);
    expect(mark).toHaveLength(100);
    expect(mark[0]).toEqual({
      ...identity("binance"),
      ts: 1757577600000,
      open: 114040,
      high: 114161,
      low: 113925.9606558,
      close: 114006.04127174,
    });
    expect(mark.map((r) => [r.ts, r.open, r.high, r.low, r.close])).toEqual(
      raw.map((k) => [k[0], Number(k[1]), Number(k[2]), Number(k[3]), Number(k[4])]),
    );
    // Every recorded row has a valid shape; the last was still forming when recorded (the pager
    // keeps the hour still running out, by the table's hourly cadence: see run-derivatives.test.ts).
    const { accepted } = validateRows("mark_ohlcv_1h", mark, { source: "rest", nowMs: NOW });
    expect(accepted).toHaveLength(100);
    expect(mark.at(-1)!.ts + 3_600_000).toBeGreaterThan(NOW);

    const index = mapBinancePriceKlines(
      perp("binance", "index_ohlcv_1h"),
      load("binance_rest/fapi_v1_indexPriceKlines.BTCUSDT_1h_limit100.json"),
    );
    expect(index[0]).toMatchObject({ ts: 1757577600000, open: 114084.88065217, close: 114047.07195652 });

    // Premium index values are signed fractions: negative ones are valid rows.
    const premium = mapBinancePriceKlines(
      perp("binance", "premium_index_ohlcv_1h"),
      load("binance_rest/fapi_v1_premiumIndexKlines.BTCUSDT_1m_limit100.json"),
    );
    expect(premium[0]).toMatchObject({
      ts: 1757929740000,
      open: -0.00062774,
      high: -0.00024997,
      low: -0.00080797,
      close: -0.00055297,
    });
    for (const r of premium) expect(ROW_SCHEMAS.premium_index_ohlcv_1h.safeParse(r).success).toBe(true);
  });

  it("binance long/short: the four statistics merged by hour, each exactly as recorded, missing ones null", () => {
    const rows = mapBinanceLongShort(perp("binance", "long_short_ratios"), [
      load("binance_rest/futures_data_topLongShortAccountRatio.BTCUSDT_1h_limit10.json"),
      load("binance_rest/futures_data_topLongShortPositionRatio.BTCUSDT_1h_limit100.json"),
      load("binance_rest/futures_data_globalLongShortAccountRatio.BTCUSDT_1h_limit10.json"),
      load("binance_rest/futures_data_takerlongshortRatio.BTCUSDT_1h_limit10.json"),
    ]);
    // 100 position-ratio hours; the taker series starts an hour before the 10-row account ones.
    expect(rows.map((r) => r.ts)).toEqual([...new Set(rows.map((r) => r.ts))].sort((a, b) => a - b));
    expect(rows.find((r) => r.ts === 1757901600000)).toEqual({
      ...identity("binance"),
      ts: 1757901600000,
      top_trader_account_ratio: 1.3613,
      top_trader_position_ratio: rows.find((r) => r.ts === 1757901600000)!.top_trader_position_ratio,
      global_account_ratio: 1.1227,
      taker_buy_sell_ratio: 1.1516,
    });
    expect(rows.find((r) => r.ts === 1757898000000)).toMatchObject({
      top_trader_account_ratio: null,
      global_account_ratio: null,
      taker_buy_sell_ratio: 0.9838,
    });
    expect(rows.find((r) => r.ts === 1757577600000)).toMatchObject({
      top_trader_position_ratio: 1.9885,
      top_trader_account_ratio: null,
    });
    for (const r of rows) expect(ROW_SCHEMAS.long_short_ratios.safeParse(r).success).toBe(true);
  });

  it("okx mark and index candles: newest first, the forming one (confirm 0) dropped", () => {
    const rows = mapOkxPriceCandles(
      perp("okx", "mark_ohlcv_1h"),
      load("okx/docs_example_via_JKorf.api_v5_market_mark-price-candles.json"),
    );
    expect(rows).toEqual([
      { ...identity("okx"), ts: 1597026383085, open: 3.731, high: 3.799, low: 3.494, close: 3.72 },
    ]);
    expect(
      mapOkxPriceCandles(
        perp("okx", "index_ohlcv_1h"),
        load("okx/docs_example_via_JKorf.api_v5_market_index-candles.json"),
      ),
    ).toHaveLength(1);
  });

  it("okx premium history: samples become the hour's first, highest, lowest and last", () => {
    const samples = readOkxPremiumSamples(load("okx/docs_example.api_v5_public_premium-history.json"));
    expect(samples).toEqual([{ ts: 1713925924000, premium: 0.0000578896878167 }]);
    const hour = Math.floor(1713925924000 / 3_600_000) * 3_600_000;
    const more = [
      ...samples,
      { ts: hour + 60_004, premium: -0.0001 },
      { ts: hour + 120_004, premium: 0.0002 },
    ];
    expect(
      aggregatePremiumHours(perp("okx", "premium_index_ohlcv_1h"), more, {
        startMs: hour,
        endMs: hour + 3_600_000,
      }),
    ).toEqual([
      {
        ...identity("okx"),
        ts: hour,
        open: -0.0001,
        high: 0.0002,
        low: -0.0001,
        close: 0.0000578896878167,
      },
    ]);
  });

  it("okx rubik ratios: [ts, ratio] as stated, taker volume [ts, sell, buy] as buy / sell", () => {
    const ratio = load(
      "okx/docs_example_via_JKorf.api_v5_rubik_stat_contracts_long-short-account-ratio.json",
    );
    const taker = load("okx/docs_example_via_JKorf.api_v5_rubik_stat_taker-volume.json");
    const empty = { code: "0", msg: "", data: [] };
    const rows = mapOkxLongShort(perp("okx", "long_short_ratios"), [empty, empty, ratio, taker]);
    expect(rows).toEqual([
      {
        ...identity("okx"),
        ts: 1630339200000,
        top_trader_account_ratio: null,
        top_trader_position_ratio: null,
        global_account_ratio: null,
        taker_buy_sell_ratio: 7002.7541 / 5312.7876,
      },
      {
        ...identity("okx"),
        ts: 1630425600000,
        top_trader_account_ratio: null,
        top_trader_position_ratio: null,
        global_account_ratio: null,
        taker_buy_sell_ratio: 7149.4855 / 7596.2651,
      },
      {
        ...identity("okx"),
        ts: 1630502100000,
        top_trader_account_ratio: null,
        top_trader_position_ratio: null,
        global_account_ratio: 1.25,
        taker_buy_sell_ratio: null,
      },
    ]);
  });

  it("bybit mark, index and premium klines and account ratio", () => {
    expect(
      mapBybitPriceKlines(
        perp("bybit", "mark_ohlcv_1h"),
        load("bybit/docs_example.v5_market_mark-price-kline.json"),
      ),
    ).toEqual([
      {
        ...identity("bybit"),
        ts: 1670608800000,
        open: 17164.16,
        high: 17164.16,
        low: 17121.5,
        close: 17131.64,
      },
    ]);
    expect(
      mapBybitPriceKlines(
        perp("bybit", "index_ohlcv_1h"),
        load("bybit/docs_example.v5_market_index-price-kline.json"),
      ).map((r) => r.close),
    ).toEqual([17163.07, 17167]);
    expect(
      mapBybitPriceKlines(
        perp("bybit", "premium_index_ohlcv_1h"),
        load("bybit/docs_example.v5_market_premium-index-price-kline.json"),
      )[0],
    ).toMatchObject({ ts: 1652486400000, open: -0.000587, high: -0.000344, low: -0.00048, close: -0.000344 });
    expect(
      mapBybitAccountRatio(
        perp("bybit", "long_short_ratios"),
        load("bybit/docs_example.v5_market_account-ratio.json"),
      ),
    ).toEqual([
      {
        ...identity("bybit"),
        ts: 1696258800000,
        top_trader_account_ratio: null,
        top_trader_position_ratio: null,
        global_account_ratio: 0.4927 / 0.5073,
        taker_buy_sell_ratio: null,
      },
      {
        ...identity("bybit"),
        ts: 1696262400000,
        top_trader_account_ratio: null,
        top_trader_position_ratio: null,
        global_account_ratio: 0.49 / 0.51,
        taker_buy_sell_ratio: null,
      },
    ]);
  });

  it("a negative, NaN or infinite ratio is quarantined with its reason and the column it is in, the whole row kept in quarantine", () => {
    const series = perp("binance", "long_short_ratios");
    const body = (ratio: string) => [{ symbol: "BTCUSDT", longShortRatio: ratio, timestamp: 1757901600000 }];
    const rows = ["-0.5", "NaN", "Infinity"].map(
      (bad) =>
        mapBinanceLongShort(series, [
          body(bad),
          body("1.2"),
          body("1.1"),
          [{ buySellRatio: "1.0", timestamp: 1757901600000 }],
        ])[0]!,
    );
    const { accepted, rejected } = validateRows("long_short_ratios", rows, { source: "rest", nowMs: NOW });
    expect(accepted).toEqual([]);
    expect(rejected.map((r) => [r.reason, r.detail.split(":")[0]])).toEqual([
      ["negative_amount", "top_trader_account_ratio"],
      ["non_finite_number", "top_trader_account_ratio"],
      ["non_finite_number", "top_trader_account_ratio"],
    ]);
    expect(rejected.map((r) => (r.row as { global_account_ratio: number }).global_account_ratio)).toEqual([
      1.1, 1.1, 1.1,
    ]);
  });
});
