import ccxt from "ccxt";
import { candleIntervalOf, INTERVAL_INFO } from "@cexdata/schema";
import { createBaseAdapter } from "./base-adapter.js";
import { createBookSnapshot } from "./book-snapshot.js";
import { completeAdapter, forEachCandleTable } from "./capabilities.js";
import { createCcxtExchange, type AdapterParams } from "./create-ccxt-exchange.js";
import { fetchWindow } from "./page-cursor.js";
import { readArray, readEpochMs, readNumber, readPath, readRecord } from "./parse-values.js";
import { requestJson } from "./request-json.js";
import { ohlcvRow } from "./series-rows.js";
import type { ExchangeAdapter, SeriesRef, TableCapability } from "./types.js";

/**
 * Advanced Trade candles: at most 350 per request ("max 350" in the API reference of
 * /market/products/{id}/candles), `start`/`end` in unix seconds. ccxt 4.5 asks 300 after a 2025
 * test (ccxt/ccxt#25171); a live answer of 348 candles to one request (hummingbot/hummingbot#6889,
 * 2024-11) agrees with the reference, which is followed here.
 */
const CANDLE_PAGE = 350;
const GRANULARITY: Readonly<Record<string, string>> = {
  "1m": "ONE_MINUTE",
  "1h": "ONE_HOUR",
  "1d": "ONE_DAY",
};

/** `{candles: [{start (unix s), low, high, open, close, volume}]}`, newest first, no quote volume. */
export function mapCoinbaseCandles(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "candles"))
    .map(readRecord)
    .map((c) =>
      ohlcvRow(series, {
        ts: readEpochMs(c.start),
        open: readNumber(c.open),
        high: readNumber(c.high),
        low: readNumber(c.low),
        close: readNumber(c.close),
        volume: readNumber(c.volume),
        quote_volume: null,
        trades: null,
      }),
    );
}

export function createCoinbaseAdapter(params: AdapterParams = {}): ExchangeAdapter {
  const exchange = createCcxtExchange(
    "coinbase",
    {
      options: { defaultType: "spot" },
      // Advanced Trade answers its rate limit with HTTP 429 and `{"error":"RESOURCE_EXHAUSTED",...}`,
      // which ccxt 4.5 maps to a plain ExchangeError (not retried); it is a rate limit: wait and retry.
      exceptions: { exact: { RESOURCE_EXHAUSTED: ccxt.RateLimitExceeded } },
    },
    params,
  );
  // Coinbase keeps ccxt's own throttle (already at its 10 a second). With our window budget (at 10
  // or 9 a second) crash-rerun's reruns, two runs sharing the simulator's address, met
  // RESOURCE_EXHAUSTED on all 20 loadMarkets attempts in 3 of 5 tries: two runs each paced to the
  // whole limit overload it together, and loadMarkets needs all of its requests admitted at once.
  // Coinbase's default quote (USD) is the schema's quote preference for it (EXCHANGE_QUOTES).
  const base = createBaseAdapter(exchange);

  const candles: TableCapability = {
    pageSize: CANDLE_PAGE,
    fetchPage: async (q) => {
      const interval = candleIntervalOf(q.series.table)!;
      const market = base.market(q.series.symbol);
      const stepMs = INTERVAL_INFO[interval].ms;
      return fetchWindow(q, { limit: CANDLE_PAGE, stepMs }, async (end) => {
        const body = await requestJson(exchange, "v3PublicGetBrokerageMarketProductsProductIdCandles", {
          product_id: market.id,
          granularity: GRANULARITY[interval],
          start: String(Math.floor(q.sinceMs / 1000)),
          // `end` is inclusive: stop one second short of the next window's first candle.
          end: String(Math.floor(end / 1000) - 1),
        });
        return mapCoinbaseCandles(q.series, body);
      });
    },
  };

  return completeAdapter(
    base,
    {
      tables: forEachCandleTable(candles),
      notServed: { liquidations: "not served over REST" },
      markets: { only: ["spot"], reason: "Coinbase perpetuals are not collected (spot only)" },
    },
    // market/product_book sizes levels in base units.
    { bookSnapshot: createBookSnapshot(exchange) },
  );
}
