import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROW_SCHEMAS } from "@cexdata/schema";
import { describe, expect, it } from "vitest";
import { mapBinanceFunding, mapBinanceKlines, mapBinanceOpenInterest } from "../src/exchanges/binance.js";
import { mapBybitKlines, mapBybitOpenInterest } from "../src/exchanges/bybit.js";
import { mapCoinbaseCandles } from "../src/exchanges/coinbase.js";
import { mapOkxCandles, mapOkxFunding } from "../src/exchanges/okx.js";
import { readEpochMs } from "../src/exchanges/parse-values.js";
import type { SeriesRef } from "../src/exchanges/types.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, "fixtures/exchanges");
const load = (rel: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, rel), "utf8"));

interface StaticEntry {
  input: unknown[];
  httpResponse: unknown;
  parsedResponse: number[][];
}
const staticEntries = (exchange: string, method: string): StaticEntry[] =>
  (load(`ccxt_static/response/${exchange}.subset.json`) as { methods: Record<string, StaticEntry[]> })
    .methods[method]!;

const ref = (exchange: string, symbol: string, table: SeriesRef["table"] = "ohlcv_1h"): SeriesRef => ({
  table,
  exchange,
  market: symbol.includes(":") ? "perp" : "spot",
  symbol,
});

/** ccxt's parsed candle [ts, o, h, l, c, v] of each mapped row, oldest first. */
const asCcxtCandles = (
  rows: { ts: number; open: number; high: number; low: number; close: number; volume: number }[],
) => [...rows].sort((a, b) => a.ts - b.ts).map((r) => [r.ts, r.open, r.high, r.low, r.close, r.volume]);

describe("exchange mappers on recorded payloads", () => {
  it("binance klines: ccxt's own candles, plus quote volume and trade count from the payload", () => {
    for (const entry of staticEntries("binance", "fetchOHLCV").filter((e) => e.input[4] === undefined)) {
      const rows = mapBinanceKlines(ref("binance", String(entry.input[0])), entry.httpResponse);
      expect(asCcxtCandles(rows)).toEqual(entry.parsedResponse);
      const raw = entry.httpResponse as unknown[][];
      expect(rows.map((r) => [r.quote_volume, r.trades])).toEqual(raw.map((k) => [Number(k[7]), k[8]]));
      for (const row of rows) expect(ROW_SCHEMAS.ohlcv_1h.safeParse(row).success).toBe(true);
    }
    const spot = mapBinanceKlines(
      ref("binance", "BTC/USDT"),
      staticEntries("binance", "fetchOHLCV")[0]!.httpResponse,
    );
    expect(spot[0]).toEqual({
      exchange: "binance",
      market: "spot",
      symbol: "BTC/USDT",
      ts: 1706630400000,
      base: "BTC",
      quote: "USDT",
      open: 43519.34,
      high: 43936,
      low: 43171,
      close: 43488.71,
      volume: 20.55495,
      quote_volume: 891428.4285807,
      trades: 3743,
      taker_buy_volume: 10.91428,
      taker_buy_quote_volume: 473782.9573992,
    });
  });

  it("okx candles: newest-first page to rows, base volume, and the forming candle (confirm 0) dropped", () => {
    const [entry] = staticEntries("okx", "fetchOHLCV");
    const rows = mapOkxCandles(ref("okx", "BTC/USDT"), entry!.httpResponse);
    expect(asCcxtCandles(rows)).toEqual(entry!.parsedResponse);
    expect(rows.find((r) => r.ts === 1706637600000)?.quote_volume).toBe(Number("220057933.233687634"));
    // The nautilus recording has confirm "0" on both candles: both still forming, none stored.
    expect(mapOkxCandles(ref("okx", "BTC/USDT"), load("okx/http_get_candlesticks.json"))).toEqual([]);
  });

  it("okx swap candles take volCcy (base units), not vol (contracts)", () => {
    const body = {
      code: "0",
      data: [
        ["1706630400000", "43377.1", "43500", "43220.9", "43495.9", "71373", "713.73", "30934323.5", "1"],
      ],
    };
    const [row] = mapOkxCandles(ref("okx", "BTC/USDT:USDT"), body);
    expect(row).toMatchObject({ market: "perp", volume: 713.73, quote_volume: 30934323.5 });
  });

  it("bybit klines: ccxt's candles plus turnover as quote volume", () => {
    const [entry] = staticEntries("bybit", "fetchOHLCV");
    const rows = mapBybitKlines(ref("bybit", "BTC/USDT:USDT"), entry!.httpResponse);
    expect(asCcxtCandles(rows)).toEqual(entry!.parsedResponse);
    expect(rows.find((r) => r.ts === 1706630400000)?.quote_volume).toBe(58117391.4117);
  });

  it("coinbase candles: seconds to milliseconds, no quote volume", () => {
    const rows = mapCoinbaseCandles(ref("coinbase", "BTC/USD"), load("coinbase_advanced/http_candles.json"));
    expect(rows.map((r) => r.ts).sort()).toEqual([1712188800000, 1712192400000]);
    expect(rows.find((r) => r.ts === 1712192400000)).toMatchObject({
      open: 66312.4,
      high: 66331.99,
      low: 66055.14,
      close: 66181.6,
      volume: 355.82896243,
      quote_volume: null,
      trades: null,
      taker_buy_volume: null,
      taker_buy_quote_volume: null,
    });
  });

  it("binance funding: rates from strings, interval from the spacing, ms-late funding times kept", () => {
    const rows = mapBinanceFunding(
      ref("binance", "BTC/USDT:USDT", "funding_rates"),
      load("binance/doc_examples/http_futures_market_funding_rate.json"),
      8,
    );
    expect(rows).toEqual([
      {
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        base: "BTC",
        quote: "USDT",
        ts: 1570608000000,
        funding_rate: -0.0375,
        mark_price: null,
        interval_hours: 8,
      },
      {
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        base: "BTC",
        quote: "USDT",
        ts: 1570636800000,
        funding_rate: 0.0001,
        mark_price: null,
        interval_hours: 8,
      },
    ]);
    const freqtrade = (load("freqtrade/XRP_USDT-8h-funding_rate.json") as number[][]).slice(0, 3);
    const body = freqtrade.map(([t, rate]) => ({
      symbol: "XRPUSDT",
      fundingTime: t,
      fundingRate: String(rate),
      markPrice: "0.5",
    }));
    const xrp = mapBinanceFunding(ref("binance", "XRP/USDT:USDT", "funding_rates"), body, 4);
    expect(xrp.map((r) => [r.ts, r.interval_hours, r.mark_price])).toEqual([
      [1637193600017, 8, 0.5],
      [1637222400007, 8, 0.5],
      [1637251200011, 8, 0.5],
    ]);
  });

  it("okx funding history, newest first, to ascending rows at the rate paid (realizedRate)", () => {
    const rows = mapOkxFunding(
      ref("okx", "BTC/USDT:USDT", "funding_rates"),
      load("okx/http_get_funding_rate_history.json"),
    );
    // fundingRate ("0.0001515032", "-0.0000236017") is the rate OKX predicted; realizedRate was paid.
    expect(rows.map((r) => [r.ts, r.funding_rate, r.interval_hours])).toEqual([
      [1704038400000, -0.00002, 8],
      [1704067200000, 0.00015, 8],
    ]);
  });

  it("open interest, one side: binance sums (base and quote), bybit's both-sides figure halved", () => {
    const bin = mapBinanceOpenInterest(
      ref("binance", "BTC/USDT:USDT", "open_interest"),
      load("binance/doc_examples/http_futures_market_open_interest_historical.json"),
    );
    expect(bin[0]).toMatchObject({
      ts: 1583127900000,
      open_interest: 20403.637,
      open_interest_value: 150570784.07809979,
    });
    const [entry] = staticEntries("bybit", "fetchOpenInterest");
    const by = mapBybitOpenInterest(ref("bybit", "BTC/USDT:USDT", "open_interest"), entry!.httpResponse);
    expect(by).toEqual([
      {
        exchange: "bybit",
        symbol: "BTC/USDT:USDT",
        base: "BTC",
        quote: "USDT",
        ts: 1739725200000,
        open_interest: 62129.455 / 2,
        open_interest_value: null,
      },
    ]);
  });

  it("bybit open interest: half of `openInterest` before 2026-06-11, `singleOpenInterest` from then on", () => {
    const docs = load("bybit/docs_example.v5_market_open-interest.json") as {
      result: { list: Record<string, string>[] };
    };
    // Bybit's docs example (rows of 2026-06-05..09): openInterest 63910691, singleOpenInterest 31955346.
    const before = mapBybitOpenInterest(ref("bybit", "BTC/USD:BTC", "open_interest"), docs);
    expect(before.map((r) => [r.ts, r.open_interest])).toEqual(
      docs.result.list.map((r) => [Number(r.timestamp), Number(r.openInterest) / 2]),
    );
    const after = Date.UTC(2026, 5, 12);
    const later = {
      result: { list: docs.result.list.map((r, i) => ({ ...r, timestamp: String(after + i * 86_400_000) })) },
    };
    const rows = mapBybitOpenInterest(ref("bybit", "BTC/USD:BTC", "open_interest"), later);
    expect(rows.map((r) => r.open_interest)).toEqual(
      docs.result.list.map((r) => Number(r.singleOpenInterest)),
    );
  });

  it("malformed values become NaN rows for validation, never exceptions", () => {
    const rows = mapBinanceKlines(ref("binance", "BTC/USDT"), [[1706630400000, "abc", null], "garbage"]);
    expect(rows).toHaveLength(2);
    expect(Number.isNaN(rows[0]!.open)).toBe(true);
    expect(rows[0]!.quote_volume).toBeNull();
  });

  it("timestamps in seconds, microseconds and nanoseconds all come out as milliseconds", () => {
    expect([
      readEpochMs("1712192400"),
      readEpochMs(1735689600000000),
      readEpochMs(1735689600000),
      readEpochMs(1.7356896e18),
    ]).toEqual([1712192400000, 1735689600000, 1735689600000, 1735689600000]);
  });
});
