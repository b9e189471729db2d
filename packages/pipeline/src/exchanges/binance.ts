import { candleIntervalOf, HOUR_MS, INTERVAL_INFO, unifiedSymbol, type Market } from "@cexdata/schema";
import type { MarketInterface } from "ccxt";
import { createBaseAdapter } from "./base-adapter.js";
import { binanceDerivativeTables } from "./binance-derivatives.js";
import { completeAdapter, forEachCandleTable } from "./capabilities.js";
import { epochMsOrNull } from "./market-info.js";
import { createCcxtExchange, type AdapterParams } from "./create-ccxt-exchange.js";
import { ExchangeGeoBlockedError } from "./geo-block.js";
import { afterNewestRow, nextCursor, windowEnd } from "./page-cursor.js";
import {
  expectArrayAt,
  readArray,
  readEpochMs,
  readNullableNumber,
  readNumber,
  readRecord,
} from "./parse-values.js";
import { replayEachBody } from "./replay-bodies.js";
import { requestJson } from "./request-json.js";
import { candleFromArray, fundingRows, openInterestRow } from "./series-rows.js";
import type { ExchangeAdapter, SeriesRef, SeriesTable, TableCapability } from "./types.js";
import { applyRatePlan } from "./rate-budget.js";
import { BINANCE_RATE_PLAN } from "./binance-rate-limits.js";

/**
 * Kline pages at the lowest weight per row. USDⓈ-M klines weigh by `limit`: 1 below 100, 2 below
 * 500, 5 up to 1000, 10 above (cap 1500), so 499 rows for weight 2 is the cheapest (0.004 per row,
 * against 0.005 at 1000 and 0.0067 at 1500). Spot klines weigh 2 at any limit: its cap, 1000.
 */
const SPOT_KLINE_PAGE = 1000;
const PERP_KLINE_PAGE = 499;
/** fundingRate: weight 1 (its own 500 per 5 minutes), cap 1000. */
const FUNDING_PAGE = 1000;
/**
 * openInterestHist caps at 500 rows and serves only the last 30 days: an older `startTime` is
 * refused (HTTP 400, -1130 "parameter 'startTime' is invalid."), so the start is asked an hour or
 * two inside the horizon, computed when the request is sent (see fetchSeries).
 */
const OI_PAGE = 500;
const OI_DAYS = 30;

const klinePage = (market: Market): number => (market === "spot" ? SPOT_KLINE_PAGE : PERP_KLINE_PAGE);

/** USDⓈ-M's deliveryDate of a perpetual that never expires: 2100-12-25 (4133404800000, +2 s at times). */
const NEVER_DELIVERED_MS = Date.UTC(2100, 0, 1);

/**
 * A settled USDⓈ-M market's `deliveryDate` (a perpetual's moves from 2100 to its settlement); spot
 * entries carry no stop time.
 */
function binanceDelistedAt(m: MarketInterface): number | null {
  const ms = epochMsOrNull((m.info as Record<string, unknown> | undefined)?.["deliveryDate"]);
  return ms !== null && ms < NEVER_DELIVERED_MS ? ms : null;
}

/**
 * Binance's market-data-only host for public spot endpoints (exchangeInfo, klines): documented for
 * public market data, and not behind the location block that api.binance.com answers 451 from.
 */
const SPOT_MARKET_DATA_URL = "https://data-api.binance.vision/api/v3";

/**
 * Closed days of these tables are in data.binance.vision (klines, fundingRate, metrics, markPriceKlines,
 * indexPriceKlines, premiumIndexKlines, bookDepth): the one list of what the archive holds
 * (sources/archive reads it).
 */
export const BINANCE_ARCHIVED_TABLES = [
  "ohlcv_1m",
  "ohlcv_1h",
  "ohlcv_1d",
  "funding_rates",
  "open_interest",
  "mark_ohlcv_1h",
  "index_ohlcv_1h",
  "premium_index_ohlcv_1h",
  "long_short_ratios",
  "book_depth",
] as const satisfies readonly SeriesTable[];
export type BinanceArchivedTable = (typeof BINANCE_ARCHIVED_TABLES)[number];

/** What to do when a Binance host refuses the runner's location (GitHub's runners are US addresses). */
function binanceGeoBlockRemedy(host: string): string {
  const elsewhere =
    "set CEXDATA_PROXY_BINANCE to a proxy outside the restricted regions, or run the binance shard " +
    "on a runner there (vars.CEXDATA_RUNNER_BINANCE)";
  if (host.startsWith("fapi.")) {
    return `closed days of perpetuals come from the archive (data.binance.vision); for the rest, ${elsewhere}`;
  }
  return elsewhere;
}

/**
 * Binance: kline arrays `[openTime, o, h, l, c, volume, closeTime, quoteVolume, trades, ...]` with
 * prices as strings, oldest first, `startTime` inclusive. Funding times carry a few ms past the hour.
 */
export function mapBinanceKlines(series: SeriesRef, body: unknown) {
  return readArray(body).map((k) =>
    candleFromArray(series, readArray(k), {
      volume: 5,
      quoteVolume: 7,
      trades: 8,
      takerBuyVolume: 9,
      takerBuyQuoteVolume: 10,
    }),
  );
}

export function mapBinanceFunding(series: SeriesRef, body: unknown, statedHours: number) {
  const items = readArray(body)
    .map(readRecord)
    .map((r) => ({
      ts: readEpochMs(r.fundingTime),
      funding_rate: readNumber(r.fundingRate),
      mark_price: readNullableNumber(r.markPrice),
    }));
  return fundingRows(series, items, statedHours);
}

export function mapBinanceOpenInterest(series: SeriesRef, body: unknown) {
  return readArray(body)
    .map(readRecord)
    .map((r) =>
      openInterestRow(series, {
        ts: readEpochMs(r.timestamp),
        open_interest: readNumber(r.sumOpenInterest),
        open_interest_value: readNullableNumber(r.sumOpenInterestValue),
      }),
    );
}

/**
 * The position a liquidation on the `forceOrder` stream closed: `S` is the liquidation ORDER's side,
 * so SELL closes a long.
 */
export function binanceWsLiquidationSide(info: Record<string, unknown>): "long" | "short" | undefined {
  return info.S === "SELL" ? "long" : info.S === "BUY" ? "short" : undefined;
}

export function createBinanceAdapter(params: AdapterParams = {}): ExchangeAdapter {
  const exchange = createCcxtExchange(
    "binance",
    {
      options: { defaultType: "spot", fetchMarkets: { types: ["spot", "linear"] } },
      urls: { api: { public: SPOT_MARKET_DATA_URL } },
    },
    params,
    { geoBlockRemedy: binanceGeoBlockRemedy },
  );
  applyRatePlan(exchange, BINANCE_RATE_PLAN);
  const base = createBaseAdapter(exchange, { delistedAt: binanceDelistedAt });
  let fundingHours: Promise<Map<string, number>> | undefined;
  /** Set when fapi.binance.com refused the runner's location while loading markets. */
  let perpBlocked: ExchangeGeoBlockedError | null = null;

  /**
   * Spot and USDⓈ-M markets; when only fapi refuses this location, spot alone, and perpetuals go to
   * the archive. Their metadata is not invented: stored exchange_info rows are kept, not refreshed.
   */
  const loadMarkets = async (): Promise<void> => {
    try {
      await base.loadMarkets();
    } catch (error) {
      if (!(error instanceof ExchangeGeoBlockedError) || !error.host.startsWith("fapi.")) throw error;
      perpBlocked = error;
      (exchange.options as Record<string, unknown>)["fetchMarkets"] = { types: ["spot"] };
      // ccxt keeps a failed load's promise until asked to reload.
      await exchange.loadMarkets(true);
    }
  };

  /**
   * /fapi/v1/fundingInfo lists the contracts with an adjusted cap, floor or interval (the real answer
   * of 2025-09-15: 527 rows, intervals 8, 4 and 1 h); a contract it does not list pays every 8 h.
   */
  const statedFundingHours = async (marketId: string): Promise<number> => {
    fundingHours ??= requestJson(exchange, "fapiPublicGetFundingInfo", {}).then(
      (body) =>
        new Map(
          readArray(body)
            .map(readRecord)
            .map((r) => [String(r.symbol), readNumber(r.fundingIntervalHours)]),
        ),
      () => new Map<string, number>(),
    );
    const h = (await fundingHours).get(marketId);
    return h !== undefined && Number.isFinite(h) && h > 0 ? h : 8;
  };

  const klines: TableCapability = {
    pageSize: klinePage,
    fetchPage: async (q) => {
      const interval = candleIntervalOf(q.series.table)!;
      const stepMs = INTERVAL_INFO[interval].ms;
      const limit = klinePage(q.series.market);
      const body = await requestJson(
        exchange,
        q.series.market === "spot" ? "publicGetKlines" : "fapiPublicGetKlines",
        {
          symbol: String(base.market(q.series.symbol).id),
          interval,
          startTime: q.sinceMs,
          endTime: q.untilMs - 1,
          limit,
        },
      );
      const rows = mapBinanceKlines(q.series, body);
      return {
        rows,
        limit,
        next: afterNewestRow(q, { rows: rows.length, limit, newestTs: rows.at(-1)?.ts }, stepMs),
      };
    },
  };

  const fundingRates: TableCapability = {
    pageSize: FUNDING_PAGE,
    fetchPage: async (q) => {
      const marketId = String(base.market(q.series.symbol).id);
      const body = await requestJson(exchange, "fapiPublicGetFundingRate", {
        symbol: marketId,
        startTime: q.sinceMs,
        endTime: q.untilMs - 1,
        limit: FUNDING_PAGE,
      });
      const rows = mapBinanceFunding(q.series, body, await statedFundingHours(marketId));
      return {
        rows,
        limit: FUNDING_PAGE,
        next: afterNewestRow(q, { rows: rows.length, limit: FUNDING_PAGE, newestTs: rows.at(-1)?.ts }, 1),
      };
    },
  };

  const openInterest: TableCapability = {
    pageSize: OI_PAGE,
    earliest: (nowMs) => Math.ceil((nowMs - OI_DAYS * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS + HOUR_MS,
    replay: replayEachBody((series, body) => mapBinanceOpenInterest(series, expectArrayAt(body))),
    fetchPage: async (q) => {
      const end = windowEnd(q, OI_PAGE, HOUR_MS);
      const body = await requestJson(exchange, "fapiDataGetOpenInterestHist", {
        symbol: String(base.market(q.series.symbol).id),
        period: "1h",
        startTime: q.sinceMs,
        endTime: end - 1,
        limit: OI_PAGE,
      });
      const rows = mapBinanceOpenInterest(q.series, body);
      return {
        rows,
        limit: OI_PAGE,
        next: nextCursor({
          cursor: q,
          rawCount: rows.length,
          limit: OI_PAGE,
          lastTs: rows.at(-1)?.ts,
          stepMs: HOUR_MS,
          windowEndMs: end,
          fullPageMayContinue: true,
        }),
      };
    },
  };

  return completeAdapter(
    base,
    {
      tables: {
        ...forEachCandleTable(klines),
        funding_rates: fundingRates,
        open_interest: openInterest,
        ...binanceDerivativeTables(exchange, base.market),
      },
      notServed: { liquidations: "not served over REST (Binance ended public liquidation history)" },
    },
    {
      loadMarkets,
      // With fapi blocked ccxt has no perpetual markets: the archive names them by the same rule.
      symbolFor: (b, market) =>
        market === "perp" && perpBlocked !== null
          ? unifiedSymbol(b, "USDT", "perp")
          : base.symbolFor(b, market),
      blockedMarket: (market) => (market === "perp" ? perpBlocked : null),
      archivedTables: BINANCE_ARCHIVED_TABLES,
    },
  );
}
