import type { Exchange, MarketInterface } from "ccxt";
import { HOUR_MS } from "@cexdata/schema";
import { fetchWindow } from "./page-cursor.js";
import {
  readArray,
  readEpochMs,
  readNumber,
  readPath,
  readRecord,
  expectArrayAt,
  readNullableNumber,
} from "./parse-values.js";
import { requestJson } from "./request-json.js";
import { longShortRows, priceCandleFromArray, seriesRow } from "./series-rows.js";
import { replayReadings } from "./replay-bodies.js";
import type { FetchedPage, PageQuery, SeriesRef, TableCapability } from "./types.js";

/** mark-, index- and premium-index-price-kline: cap 1000, as /v5/market/kline. */
export const BYBIT_PRICE_KLINE_PAGE = 1000;
/** account-ratio: cap 500. */
export const BYBIT_RATIO_PAGE = 500;

const PRICE_KLINES = {
  mark_ohlcv_1h: "publicGetV5MarketMarkPriceKline",
  index_ohlcv_1h: "publicGetV5MarketIndexPriceKline",
  premium_index_ohlcv_1h: "publicGetV5MarketPremiumIndexPriceKline",
} as const;

/** `result.list` of `[startTime, o, h, l, c]` strings, newest first. */
export function mapBybitPriceKlines(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "result", "list"))
    .map(readArray)
    .map((a) => priceCandleFromArray(series, a));
}

/**
 * account-ratio gives the shares of accounts long (`buyRatio`) and short (`sellRatio`) among all
 * traders: their quotient is the global account ratio. Bybit publishes no top-trader or taker ratio.
 */
export function mapBybitAccountRatio(series: SeriesRef, body: unknown) {
  const items = readArray(readPath(body, "result", "list"))
    .map(readRecord)
    .map((r) => ({
      ts: readEpochMs(r.timestamp),
      values: { global_account_ratio: readNumber(r.buyRatio) / readNumber(r.sellRatio) },
    }));
  return longShortRows(series, [items]);
}

/**
 * tickers of one linear contract: `result.list[0]` with `fundingRate`, the rate predicted for
 * `nextFundingTime` (it moves until then), `markPrice` and `indexPrice`, every number a string.
 * `ts` is the hour it was read in.
 */
export function mapBybitFundingPrediction(series: SeriesRef, body: unknown, ts: number) {
  const r = readRecord(readArray(readPath(body, "result", "list"))[0]);
  return seriesRow(
    { ...series, table: "funding_predictions" },
    {
      ts,
      funding_time: readEpochMs(r.nextFundingTime),
      funding_rate: readNumber(r.fundingRate),
      mark_price: readNullableNumber(r.markPrice),
      index_price: readNullableNumber(r.indexPrice),
    },
  );
}

type PriceTable = keyof typeof PRICE_KLINES;

/** The derivatives tables Bybit serves, as entries of its `tables` map. */
export function bybitDerivativeTables(
  exchange: Exchange,
  marketOf: (symbol: string) => MarketInterface,
): Record<PriceTable | "long_short_ratios" | "funding_predictions", TableCapability> {
  const entry = (table: PriceTable | "long_short_ratios"): TableCapability => ({
    pageSize: table === "long_short_ratios" ? BYBIT_RATIO_PAGE : BYBIT_PRICE_KLINE_PAGE,
    fetchPage: (q) => fetchBybitPage(exchange, marketOf(q.series.symbol), table, q),
  });
  return {
    mark_ohlcv_1h: entry("mark_ohlcv_1h"),
    index_ohlcv_1h: entry("index_ohlcv_1h"),
    premium_index_ohlcv_1h: entry("premium_index_ohlcv_1h"),
    long_short_ratios: entry("long_short_ratios"),
    // Live only: one tickers request per hour's reading.
    funding_predictions: {
      pageSize: 1,
      fetchPage: async (q) => {
        const params = { category: "linear", symbol: marketOf(q.series.symbol).id };
        const body = await requestJson(exchange, "publicGetV5MarketTickers", params);
        return { rows: [mapBybitFundingPrediction(q.series, body, q.sinceMs)], limit: 1, next: null };
      },
      replay: replayReadings((series, body, ts) =>
        mapBybitFundingPrediction(series, expectArrayAt(body, "result", "list"), ts),
      ),
    },
  };
}

async function fetchBybitPage(
  exchange: Exchange,
  market: MarketInterface,
  table: PriceTable | "long_short_ratios",
  q: PageQuery,
): Promise<FetchedPage> {
  const limit = table === "long_short_ratios" ? BYBIT_RATIO_PAGE : BYBIT_PRICE_KLINE_PAGE;
  // A window of exactly one page of hours: whichever end Bybit fills from, nothing is skipped.
  return fetchWindow(q, { limit, stepMs: HOUR_MS }, async (end) => {
    if (table === "long_short_ratios") {
      const body = await requestJson(exchange, "publicGetV5MarketAccountRatio", {
        category: "linear",
        symbol: market.id,
        period: "1h",
        startTime: q.sinceMs,
        endTime: end - 1,
        limit,
      });
      return mapBybitAccountRatio(q.series, body);
    }
    const body = await requestJson(exchange, PRICE_KLINES[table], {
      category: "linear",
      symbol: market.id,
      interval: "60",
      start: q.sinceMs,
      end: end - 1,
      limit,
    });
    return mapBybitPriceKlines(q.series, body);
  });
}
