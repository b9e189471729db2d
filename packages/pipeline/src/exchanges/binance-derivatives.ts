import type { Exchange, MarketInterface } from "ccxt";
import { HOUR_MS } from "@cexdata/schema";
import { replayStatistics, requestStatistics, statisticsRows } from "./long-short-statistics.js";
import { afterNewestRow, fetchWindow } from "./page-cursor.js";
import {
  expectArrayAt,
  readArray,
  readEpochMs,
  readNullableNumber,
  readRecord,
  PayloadFormatError,
  readNumber,
} from "./parse-values.js";
import { requestJson } from "./request-json.js";
import { priceCandleFromArray, type LongShortValues, seriesRow } from "./series-rows.js";
import { replayReadings } from "./replay-bodies.js";
import type { FetchedPage, PageQuery, SeriesRef, TableCapability } from "./types.js";

/** Mark/index/premium klines weigh as klines: 499 rows for weight 2 is the cheapest per row. */
export const BINANCE_PRICE_KLINE_PAGE = 499;
/** /futures/data statistics: cap 500, the last 30 days only (an older startTime is refused, -1130). */
export const BINANCE_STATS_PAGE = 500;
export const BINANCE_STATS_DAYS = 30;

const PRICE_KLINES = {
  mark_ohlcv_1h: "fapiPublicGetMarkPriceKlines",
  index_ohlcv_1h: "fapiPublicGetIndexPriceKlines",
  premium_index_ohlcv_1h: "fapiPublicGetPremiumIndexKlines",
} as const;

/** The four statistics a long_short_ratios row is made of, and the field each gives. */
const STATISTICS: readonly (readonly [method: string, column: keyof LongShortValues, field: string])[] = [
  ["fapiDataGetTopLongShortAccountRatio", "top_trader_account_ratio", "longShortRatio"],
  ["fapiDataGetTopLongShortPositionRatio", "top_trader_position_ratio", "longShortRatio"],
  ["fapiDataGetGlobalLongShortAccountRatio", "global_account_ratio", "longShortRatio"],
  ["fapiDataGetTakerlongshortRatio", "taker_buy_sell_ratio", "buySellRatio"],
];

/**
 * Mark, index and premium-index klines: the kline layout `[openTime, o, h, l, c, "0", closeTime,
 * "0", count, "0", "0", "0"]` with prices as strings; only the first five fields mean anything.
 */
export function mapBinancePriceKlines(series: SeriesRef, body: unknown) {
  return readArray(body).map((k) => priceCandleFromArray(series, readArray(k)));
}

/** One /futures/data statistic: `{ ..., <field>: "1.3613", timestamp: 1757901600000 }` rows. */
export function mapBinanceStatistic(body: unknown, column: keyof LongShortValues, field: string) {
  return readArray(body)
    .map(readRecord)
    .map((r) => ({ ts: readEpochMs(r.timestamp), values: { [column]: readNullableNumber(r[field]) } }));
}

/** The four statistics of one window as long_short_ratios rows. */
export function mapBinanceLongShort(series: SeriesRef, bodies: readonly unknown[]) {
  return statisticsRows(series, STATISTICS, bodies, (body, [, column, field]) =>
    mapBinanceStatistic(body, column, field),
  );
}

/**
 * premiumIndex of one symbol: `{ markPrice, indexPrice, lastFundingRate, nextFundingTime, time, ... }`,
 * prices as strings. `lastFundingRate` is, despite its name, the rate predicted for `nextFundingTime`
 * (it moves until then). `ts` is the hour it was read in.
 */
export function mapBinanceFundingPrediction(series: SeriesRef, body: unknown, ts: number) {
  const r = readRecord(body);
  return seriesRow(
    { ...series, table: "funding_predictions" },
    {
      ts,
      funding_time: readEpochMs(r.nextFundingTime),
      funding_rate: readNumber(r.lastFundingRate),
      mark_price: readNullableNumber(r.markPrice),
      index_price: readNullableNumber(r.indexPrice),
    },
  );
}

type PriceTable = keyof typeof PRICE_KLINES;

/**
 * The derivatives tables Binance serves over REST, as entries of its `tables` map: mark, index and
 * premium-index klines (`/fapi/v1`), and long/short ratios from the four `/futures/data` statistics
 * (the last 30 days only: older days come from the archive's metrics).
 */
export function binanceDerivativeTables(
  exchange: Exchange,
  marketOf: (symbol: string) => MarketInterface,
): Record<PriceTable | "long_short_ratios" | "funding_predictions", TableCapability> {
  const priceKlines = (table: PriceTable): TableCapability => ({
    pageSize: BINANCE_PRICE_KLINE_PAGE,
    fetchPage: (q) => fetchPriceKlines(exchange, marketOf(q.series.symbol), table, q),
  });
  return {
    mark_ohlcv_1h: priceKlines("mark_ohlcv_1h"),
    index_ohlcv_1h: priceKlines("index_ohlcv_1h"),
    premium_index_ohlcv_1h: priceKlines("premium_index_ohlcv_1h"),
    long_short_ratios: {
      pageSize: BINANCE_STATS_PAGE,
      earliest: (nowMs) =>
        Math.ceil((nowMs - BINANCE_STATS_DAYS * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS + HOUR_MS,
      fetchPage: (q) => fetchLongShort(exchange, marketOf(q.series.symbol), q),
      // Each captured body is one statistic, named by its path; a row joins all four of its hour.
      replay: replayStatistics(
        STATISTICS,
        (body, [, column, field]) => mapBinanceStatistic(expectArrayAt(body), column, field),
        "long/short",
      ),
    },
    // Live only: one request per hour's reading (weight 1 with a symbol).
    funding_predictions: {
      pageSize: 1,
      fetchPage: async (q) => {
        const params = { symbol: String(marketOf(q.series.symbol).id) };
        const body = await requestJson(exchange, "fapiPublicGetPremiumIndex", params);
        return { rows: [mapBinanceFundingPrediction(q.series, body, q.sinceMs)], limit: 1, next: null };
      },
      replay: replayReadings((series, body, ts) => {
        if (!("nextFundingTime" in readRecord(body)))
          throw new PayloadFormatError("premiumIndex without nextFundingTime (the format changed?)");
        return mapBinanceFundingPrediction(series, body, ts);
      }),
    },
  };
}

async function fetchLongShort(
  exchange: Exchange,
  market: MarketInterface,
  q: PageQuery,
): Promise<FetchedPage> {
  return fetchWindow(q, { limit: BINANCE_STATS_PAGE, stepMs: HOUR_MS }, async (end) => {
    const params = {
      symbol: String(market.id),
      period: "1h",
      startTime: q.sinceMs,
      endTime: end - 1,
      limit: BINANCE_STATS_PAGE,
    };
    return mapBinanceLongShort(q.series, await requestStatistics(exchange, STATISTICS, params));
  });
}

async function fetchPriceKlines(
  exchange: Exchange,
  market: MarketInterface,
  table: PriceTable,
  q: PageQuery,
): Promise<FetchedPage> {
  const limit = BINANCE_PRICE_KLINE_PAGE;
  // The index is the pair's (indexPriceKlines takes `pair`), the same id for a USDⓈ-M perpetual.
  const id =
    table === "index_ohlcv_1h"
      ? { pair: String(readRecord(market.info).pair ?? market.id) }
      : { symbol: String(market.id) };
  const body = await requestJson(exchange, PRICE_KLINES[table], {
    ...id,
    interval: "1h",
    startTime: q.sinceMs,
    endTime: q.untilMs - 1,
    limit,
  });
  const rows = mapBinancePriceKlines(q.series, body);
  const next = afterNewestRow(q, { rows: rows.length, limit, newestTs: rows.at(-1)?.ts }, HOUR_MS);
  return { rows, limit, next };
}
