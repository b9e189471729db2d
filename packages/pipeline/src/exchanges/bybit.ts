import {
  candleIntervalOf,
  HOUR_MS,
  inForceAt,
  INTERVAL_INFO,
  type Dated,
  type Market,
} from "@cexdata/schema";
import { createBaseAdapter } from "./base-adapter.js";
import { bybitDerivativeTables } from "./bybit-derivatives.js";
import { createBookSnapshot } from "./book-snapshot.js";
import { completeAdapter, forEachCandleTable } from "./capabilities.js";
import { epochMsOrNull } from "./market-info.js";
import { createCcxtExchange, type AdapterParams } from "./create-ccxt-exchange.js";
import type { BanRule } from "./ip-ban.js";
import { fetchWindow } from "./page-cursor.js";
import { readArray, readEpochMs, readNumber, readPath, readRecord } from "./parse-values.js";
import { requestJson } from "./request-json.js";
import { candleFromArray, fundingRows, openInterestRow } from "./series-rows.js";
import type { ExchangeAdapter, SeriesRef, TableCapability } from "./types.js";
import { applyRatePlan } from "./rate-budget.js";
import { BYBIT_RATE_PLAN } from "./bybit-rate-limits.js";

const KLINE_PAGE = 1000;
const FUNDING_PAGE = 200;
const OI_PAGE = 200;
const KLINE_INTERVAL: Readonly<Record<string, string>> = { "1m": "1", "1h": "60", "1d": "D" };

/** Bybit v5 kline: `result.list` of `[start, o, h, l, c, volume (base), turnover (quote)]`, newest first. */
export function mapBybitKlines(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "result", "list"))
    .map(readArray)
    .map((a) => candleFromArray(series, a, { volume: 5, quoteVolume: 6 }));
}

export function mapBybitFunding(series: SeriesRef, body: unknown, statedHours: number) {
  const items = readArray(readPath(body, "result", "list"))
    .map(readRecord)
    .map((r) => ({
      ts: readEpochMs(r.fundingRateTimestamp),
      funding_rate: readNumber(r.fundingRate),
      mark_price: null,
    }));
  return fundingRows(series, items, statedHours);
}

/** One open-interest row as Bybit sends it. */
type BybitOiRow = Record<string, unknown>;

/** Half of `openInterest`: Bybit documents it as "the sum of both sides" (longs plus shorts). */
const halfOfBothSides = (r: BybitOiRow): number => readNumber(r.openInterest) / 2;

/**
 * open_interest counts each open contract once (one side), as Binance's `sumOpenInterest` and OKX's
 * `oiCcy` do. Bybit's `openInterest` counts both sides: its docs say so since 2023-11-14, and its
 * announcement of 2026-05-28 ("Update to the Open Interest (OI) calculation method") calls the
 * figure double-sided until 2026-06-11, when it added `singleOpenInterest`, the one side, to this
 * endpoint (changelog 2026-06-11), while `openInterest` stays the sum of both sides.
 *
 * Uncertain, so the safe reading is taken: (1) Bybit's docs before 2023-11 said "Returns single side
 * data"; no changelog entry records a change of the figure then, and the 2026 announcement treats
 * the old figure as double-sided throughout, so it is halved throughout. (2) Whether rows after
 * 2026-06-11 always carry `singleOpenInterest` is not shown by a recorded live response; where one
 * lacks it, half of `openInterest` (still documented as both sides) stands in.
 */
export const BYBIT_OPEN_INTEREST_ONE_SIDE: Dated<(r: BybitOiRow) => number> = [
  { until: Date.UTC(2026, 5, 11), use: halfOfBothSides },
  {
    use: (r) => (r.singleOpenInterest === undefined ? halfOfBothSides(r) : readNumber(r.singleOpenInterest)),
  },
];

/** The one-sided open interest of a row at `ts`, by the mapping in force then. */
function oneSidedOpenInterest(r: BybitOiRow, ts: number): number {
  return inForceAt(BYBIT_OPEN_INTEREST_ONE_SIDE, ts)(r);
}

/**
 * open-interest: `{openInterest (both sides; base units on linear), singleOpenInterest (one side,
 * from 2026-06-11), timestamp}`, newest first, stored one-sided.
 */
export function mapBybitOpenInterest(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "result", "list"))
    .map(readRecord)
    .map((r) => {
      const ts = readEpochMs(r.timestamp);
      return openInterestRow(series, {
        ts,
        open_interest: oneSidedOpenInterest(r, ts),
        open_interest_value: null,
      });
    });
}

/**
 * Bybit's IP ban: HTTP 403 "access too frequent" after more than 600 requests in 5 seconds, with no
 * Retry-After. Its V5 rate-limit page: "terminate all HTTP sessions and wait for at least 10
 * minutes. The ban will be lifted automatically" (older pages said "usually 30 minutes"; we take
 * the documented minimum and let the next request tell). Its geo-block is also a 403, but from
 * CloudFront with a different body, told apart before this rule is asked.
 */
const BYBIT_BAN_MS = 10 * 60_000;
const bybitBan: BanRule = ({ status, body, nowMs }) =>
  status === 403 && body !== undefined && /access too frequent/i.test(body) ? nowMs + BYBIT_BAN_MS : null;

/** The position a liquidation on the `allLiquidation` stream closed: `S` is the POSITION's side (Buy: a long). */
export function bybitWsLiquidationSide(info: Record<string, unknown>): "long" | "short" | undefined {
  return info.S === "Buy" ? "long" : info.S === "Sell" ? "short" : undefined;
}

export function createBybitAdapter(params: AdapterParams = {}): ExchangeAdapter {
  const exchange = createCcxtExchange(
    "bybit",
    { options: { defaultType: "spot", fetchMarkets: { types: ["spot", "linear"] } } },
    params,
    { banRule: bybitBan },
  );
  applyRatePlan(exchange, BYBIT_RATE_PLAN);
  const base = createBaseAdapter(exchange, {
    // instruments-info deliveryTime: "0" for a perpetual that is not being delisted.
    delistedAt: (m) => epochMsOrNull((m.info as Record<string, unknown> | undefined)?.["deliveryTime"]),
  });

  const category = (market: Market) => (market === "spot" ? "spot" : "linear");

  const klines: TableCapability = {
    pageSize: KLINE_PAGE,
    fetchPage: async (q) => {
      const interval = candleIntervalOf(q.series.table)!;
      const stepMs = INTERVAL_INFO[interval].ms;
      // A window of exactly one page of slots: whichever end Bybit fills from, nothing is skipped.
      return fetchWindow(q, { limit: KLINE_PAGE, stepMs }, async (end) => {
        const body = await requestJson(exchange, "publicGetV5MarketKline", {
          category: category(q.series.market),
          symbol: base.market(q.series.symbol).id,
          interval: KLINE_INTERVAL[interval],
          start: q.sinceMs,
          end: end - 1,
          limit: KLINE_PAGE,
        });
        return mapBybitKlines(q.series, body);
      });
    },
  };

  const fundingRates: TableCapability = {
    pageSize: FUNDING_PAGE,
    fetchPage: async (q) => {
      const market = base.market(q.series.symbol);
      const minutes = readNumber(readRecord(market.info).fundingInterval);
      const statedHours = Number.isFinite(minutes) && minutes > 0 ? minutes / 60 : 8;
      // Spacing can shrink below the stated interval, so windows assume the shortest (1 h).
      return fetchWindow(q, { limit: FUNDING_PAGE, stepMs: HOUR_MS }, async (end) => {
        const body = await requestJson(exchange, "publicGetV5MarketFundingHistory", {
          category: category(q.series.market),
          symbol: market.id,
          startTime: q.sinceMs,
          endTime: end - 1,
          limit: FUNDING_PAGE,
        });
        return mapBybitFunding(q.series, body, statedHours);
      });
    },
  };

  const openInterest: TableCapability = {
    pageSize: OI_PAGE,
    fetchPage: async (q) => {
      return fetchWindow(q, { limit: OI_PAGE, stepMs: HOUR_MS }, async (end) => {
        const body = await requestJson(exchange, "publicGetV5MarketOpenInterest", {
          category: category(q.series.market),
          symbol: base.market(q.series.symbol).id,
          intervalTime: "1h",
          startTime: q.sinceMs,
          endTime: end - 1,
          limit: OI_PAGE,
        });
        return mapBybitOpenInterest(q.series, body);
      });
    },
  };

  return completeAdapter(
    base,
    {
      tables: {
        ...forEachCandleTable(klines),
        funding_rates: fundingRates,
        open_interest: openInterest,
        ...bybitDerivativeTables(exchange, base.market),
      },
      notServed: { liquidations: "not served over REST (Bybit publishes liquidations on websocket only)" },
    },
    // /v5/market/orderbook sizes linear and spot levels in base units.
    { bookSnapshot: createBookSnapshot(exchange) },
  );
}
