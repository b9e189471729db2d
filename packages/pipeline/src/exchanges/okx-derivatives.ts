import type { Exchange, MarketInterface } from "ccxt";
import { HOUR_MS } from "@cexdata/schema";
import { replayStatistics, requestStatistics, statisticsRows } from "./long-short-statistics.js";
import { fetchWindow, nextWindow, windowEnd } from "./page-cursor.js";
import {
  expectArrayAt,
  readArray,
  readEpochMs,
  readNullableNumber,
  readNumber,
  readPath,
  readRecord,
} from "./parse-values.js";
import { replayBodies, replayReadings } from "./replay-bodies.js";
import { requestJson } from "./request-json.js";
import { priceCandleFromArray, priceCandleRow, type LongShortValues, seriesRow } from "./series-rows.js";
import type { FetchedPage, PageQuery, ReplayParser, SeriesRef, TableCapability } from "./types.js";

/** history-mark-price-candles, history-index-candles, premium-history and the rubik statistics: cap 100. */
export const OKX_DERIVATIVE_PAGE = 100;
/** premium-history: "premium data in the past 6 months" (asked a little inside: 180 days). */
export const OKX_PREMIUM_HISTORY_DAYS = 180;
/** rubik contract statistics: "the latest 1,440 data entries" (of 1H periods: 60 days). */
export const OKX_STATS_HOURS = 1440 - 1;
/** Premium samples come about one a minute: a window of this many hours takes a few pages. */
const PREMIUM_WINDOW_HOURS = 5;

const STATISTICS: readonly (readonly [method: string, column: keyof LongShortValues])[] = [
  ["publicGetRubikStatContractsLongShortAccountRatioContractTopTrader", "top_trader_account_ratio"],
  ["publicGetRubikStatContractsLongShortPositionRatioContractTopTrader", "top_trader_position_ratio"],
  ["publicGetRubikStatContractsLongShortAccountRatioContract", "global_account_ratio"],
  ["publicGetRubikStatTakerVolumeContract", "taker_buy_sell_ratio"],
];

/** Mark/index candles `[ts, o, h, l, c, confirm]`, newest first; confirm "0" (still forming) dropped. */
export function mapOkxPriceCandles(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "data"))
    .map(readArray)
    .filter((a) => a[5] !== "0")
    .map((a) => priceCandleFromArray(series, a));
}

/** premium-history samples `{ instId, premium, ts }`. */
export function readOkxPremiumSamples(body: unknown): { ts: number; premium: number }[] {
  return readArray(readPath(body, "data"))
    .map(readRecord)
    .map((r) => ({ ts: readEpochMs(r.ts), premium: readNumber(r.premium) }));
}

/**
 * OKX publishes no premium candles, only samples: an hour's candle is its first, highest, lowest
 * and last sample. Only hours whose samples all lie in [startMs, endMs) are built.
 */
export function aggregatePremiumHours(
  series: SeriesRef,
  samples: readonly { ts: number; premium: number }[],
  range: { startMs: number; endMs: number },
) {
  const hours = new Map<number, { ts: number; premium: number }[]>();
  for (const s of samples) {
    if (!(s.ts >= range.startMs && s.ts < range.endMs)) continue;
    const hour = Math.floor(s.ts / HOUR_MS) * HOUR_MS;
    if (hour < range.startMs || hour + HOUR_MS > range.endMs) continue;
    const list = hours.get(hour);
    if (list) list.push(s);
    else hours.set(hour, [s]);
  }
  return [...hours]
    .sort(([a], [b]) => a - b)
    .map(([ts, list]) => {
      const sorted = [...list].sort((a, b) => a.ts - b.ts);
      const values = sorted.map((s) => s.premium);
      return priceCandleRow(series, {
        ts,
        open: values[0]!,
        high: Math.max(...values),
        low: Math.min(...values),
        close: values.at(-1)!,
      });
    });
}

/** A rubik contract statistic: `[ts, ratio]`, or taker volume `[ts, sellVol, buyVol]` as buy / sell. */
export function mapOkxStatistic(body: unknown, column: keyof LongShortValues) {
  return readArray(readPath(body, "data"))
    .map(readArray)
    .map((a) => {
      const value =
        column === "taker_buy_sell_ratio" ? readNumber(a[2]) / readNumber(a[1]) : readNullableNumber(a[1]);
      return { ts: readEpochMs(a[0]), values: { [column]: value } };
    });
}

export function mapOkxLongShort(series: SeriesRef, bodies: readonly unknown[]) {
  return statisticsRows(series, STATISTICS, bodies, (body, [, column]) => mapOkxStatistic(body, column));
}

/**
 * public/funding-rate of one swap: `data[0].fundingRate` is the rate predicted for the upcoming
 * settlement at `fundingTime` (not `nextFundingTime`, the one after, whose `nextFundingRate` is empty
 * under method `current_period`). No mark or index price in it. `ts` is the hour it was read in.
 */
export function mapOkxFundingPrediction(series: SeriesRef, body: unknown, ts: number) {
  const r = readRecord(readArray(readPath(body, "data"))[0]);
  return seriesRow(
    { ...series, table: "funding_predictions" },
    {
      ts,
      funding_time: readEpochMs(r.fundingTime),
      funding_rate: readNumber(r.fundingRate),
      mark_price: null,
      index_price: null,
    },
  );
}

type DerivativeTable = "mark_ohlcv_1h" | "index_ohlcv_1h" | "premium_index_ohlcv_1h" | "long_short_ratios";

/**
 * The derivatives tables OKX serves, as entries of its `tables` map: history mark and index candles,
 * premium samples built into hourly candles (6 months kept) and the rubik contract statistics (the
 * latest 1,440 hours).
 */
export function okxDerivativeTables(
  exchange: Exchange,
  marketOf: (symbol: string) => MarketInterface,
): Record<DerivativeTable | "funding_predictions", TableCapability> {
  const entry = (
    table: DerivativeTable,
    horizon?: { earliest: (nowMs: number) => number; replay: ReplayParser },
  ): TableCapability => {
    const fetchPage = (q: PageQuery) => fetchOkxDerivativePage(exchange, marketOf(q.series.symbol), table, q);
    return horizon
      ? { pageSize: OKX_DERIVATIVE_PAGE, fetchPage, ...horizon }
      : { pageSize: OKX_DERIVATIVE_PAGE, fetchPage };
  };
  return {
    mark_ohlcv_1h: entry("mark_ohlcv_1h"),
    index_ohlcv_1h: entry("index_ohlcv_1h"),
    premium_index_ohlcv_1h: entry("premium_index_ohlcv_1h", {
      earliest: (nowMs) => Math.ceil((nowMs - OKX_PREMIUM_HISTORY_DAYS * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS,
      // An hour's samples span pages: the hours are built from every page captured, as fetched.
      replay: replayBodies(
        // As fetched: an hour starting before the page's start was not built from this body.
        (_series, raw) =>
          readOkxPremiumSamples(expectArrayAt(raw.body, "data")).filter(
            (s) => Math.floor(s.ts / HOUR_MS) * HOUR_MS >= (raw.pageSinceMs ?? -Infinity),
          ),
        (series, parts) => {
          const samples = [...new Map(parts.flat().map((s) => [s.ts, s])).values()];
          if (samples.length === 0) return [];
          const first = Math.min(...samples.map((s) => s.ts));
          const last = Math.max(...samples.map((s) => s.ts));
          return aggregatePremiumHours(series, samples, {
            startMs: Math.floor(first / HOUR_MS) * HOUR_MS,
            endMs: Math.floor(last / HOUR_MS) * HOUR_MS + HOUR_MS,
          });
        },
      ),
    }),
    long_short_ratios: entry("long_short_ratios", {
      earliest: (nowMs) => Math.floor(nowMs / HOUR_MS) * HOUR_MS - OKX_STATS_HOURS * HOUR_MS,
      // Each captured body is one rubik statistic, named by its path; a row joins all four of its hour.
      replay: replayStatistics(
        STATISTICS,
        (body, [, column]) => mapOkxStatistic(expectArrayAt(body, "data"), column),
        "rubik",
      ),
    }),
    // Live only: one request per hour's reading.
    funding_predictions: {
      pageSize: 1,
      fetchPage: async (q) => {
        const params = { instId: marketOf(q.series.symbol).id };
        const body = await requestJson(exchange, "publicGetPublicFundingRate", params);
        return { rows: [mapOkxFundingPrediction(q.series, body, q.sinceMs)], limit: 1, next: null };
      },
      replay: replayReadings((series, body, ts) =>
        mapOkxFundingPrediction(series, expectArrayAt(body, "data"), ts),
      ),
    },
  };
}

async function fetchOkxDerivativePage(
  exchange: Exchange,
  market: MarketInterface,
  table: DerivativeTable,
  q: PageQuery,
): Promise<FetchedPage> {
  const limit = OKX_DERIVATIVE_PAGE;
  if (table === "premium_index_ohlcv_1h") {
    const end = windowEnd(q, PREMIUM_WINDOW_HOURS, HOUR_MS);
    const samples: { ts: number; premium: number }[] = [];
    // Newest first from the window's end, until a page reaches its start or runs short.
    for (let after = end; ;) {
      const body = await requestJson(exchange, "publicGetPublicPremiumHistory", {
        instId: market.id,
        after: String(after),
        limit: String(limit),
      });
      const page = readOkxPremiumSamples(body);
      samples.push(...page);
      const oldest = Math.min(...page.map((s) => s.ts));
      if (page.length < limit || !(oldest > q.sinceMs) || oldest >= after) break;
      after = oldest;
    }
    return {
      rows: aggregatePremiumHours(q.series, samples, { startMs: q.sinceMs, endMs: end }),
      limit,
      next: nextWindow(q, end),
    };
  }
  return fetchWindow(q, { limit, stepMs: HOUR_MS }, async (end) => {
    if (table === "long_short_ratios") {
      const params = {
        instId: market.id,
        period: "1H",
        begin: String(q.sinceMs - 1),
        end: String(end),
        limit: String(limit),
      };
      const bodies = await requestStatistics(exchange, STATISTICS, params);
      return mapOkxLongShort(q.series, bodies);
    }
    // The index is the underlying's (`BTC-USDT`), the mark the swap's own.
    const instId =
      table === "index_ohlcv_1h"
        ? String(readRecord(market.info).instFamily ?? `${market.base}-${market.quote}`)
        : market.id;
    const method =
      table === "index_ohlcv_1h"
        ? "publicGetMarketHistoryIndexCandles"
        : "publicGetMarketHistoryMarkPriceCandles";
    const body = await requestJson(exchange, method, {
      instId,
      bar: "1H",
      before: String(q.sinceMs - 1),
      after: String(end),
      limit: String(limit),
    });
    return mapOkxPriceCandles(q.series, body);
  });
}
