import { INTERVAL_INFO, type Market } from "@cexdata/schema";
import { createBaseAdapter } from "./base-adapter.js";
import {
  BINANCE_PRICE_KLINE_PAGE,
  BINANCE_STATS_DAYS,
  BINANCE_STATS_PAGE,
  fetchBinanceDerivativePage,
} from "./binance-derivatives.js";
import { createCcxtExchange, type AdapterParams } from "./create-ccxt-exchange.js";
import { ExchangeGeoBlockedError } from "./geo-block.js";
import { nextCursor, windowEnd } from "./page-cursor.js";
import { readArray, readEpochMs, readNullableNumber, readNumber, readRecord } from "./parse-values.js";
import { requestJson } from "./request-json.js";
import { fundingIntervals, fundingRow, ohlcvRow, openInterestRow } from "./series-rows.js";
import {
  isDerivativeTable,
  OHLCV_INTERVAL,
  type ExchangeAdapter,
  type FetchedPage,
  type PageQuery,
  type SeriesRef,
  type SeriesTable,
} from "./types.js";

const HOUR = 3_600_000;
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

/**
 * Binance's market-data-only host for public spot endpoints (exchangeInfo, klines): documented for
 * public market data, and not behind the location block that api.binance.com answers 451 from.
 */
const SPOT_MARKET_DATA_URL = "https://data-api.binance.vision/api/v3";

/**
 * Closed days of these USDⓈ-M tables are in data.binance.vision (klines, fundingRate, metrics,
 * markPriceKlines, indexPriceKlines, premiumIndexKlines).
 */
const ARCHIVED_TABLES = [
  "ohlcv_1m",
  "ohlcv_1h",
  "ohlcv_1d",
  "funding_rates",
  "open_interest",
  "mark_ohlcv_1h",
  "index_ohlcv_1h",
  "premium_index_ohlcv_1h",
  "long_short_ratios",
] as const;

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
 * Binance: kline arrays `[openTime, o, h, l, c, volume, closeTime, quoteVolume, trades,
 * takerBuyVolume, takerBuyQuoteVolume, ignore]` with
 * prices as strings, oldest first, `startTime` inclusive. Funding times carry a few ms past the hour.
 */
export function mapBinanceKlines(series: SeriesRef, body: unknown) {
  return readArray(body).map((k) => {
    const a = readArray(k);
    return ohlcvRow(series, {
      ts: readEpochMs(a[0]),
      open: readNumber(a[1]),
      high: readNumber(a[2]),
      low: readNumber(a[3]),
      close: readNumber(a[4]),
      volume: readNumber(a[5]),
      quote_volume: readNullableNumber(a[7]),
      trades: readNullableNumber(a[8]),
      taker_buy_volume: readNullableNumber(a[9]),
      taker_buy_quote_volume: readNullableNumber(a[10]),
    });
  });
}

export function mapBinanceFunding(series: SeriesRef, body: unknown, statedHours: number) {
  const items = readArray(body)
    .map(readRecord)
    .map((r) => ({ r, ts: readEpochMs(r.fundingTime) }))
    .sort((a, b) => a.ts - b.ts);
  const hours = fundingIntervals(
    items.map((i) => i.ts),
    statedHours,
  );
  return items.map(({ r, ts }, i) =>
    fundingRow(series, {
      ts,
      funding_rate: readNumber(r.fundingRate),
      mark_price: readNullableNumber(r.markPrice),
      interval_hours: hours[i]!,
    }),
  );
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
  const base = createBaseAdapter(exchange, { spotQuotes: ["USDT"], perpSettles: ["USDT"] });
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

  const fetchPage = async (q: PageQuery): Promise<FetchedPage> => {
    const market = base.market(q.series.symbol);
    const table = q.series.table;
    if (isDerivativeTable(table)) {
      return fetchBinanceDerivativePage(exchange, market, { ...q, series: { ...q.series, table } });
    }
    const interval = OHLCV_INTERVAL[q.series.table];
    if (interval !== undefined) {
      const stepMs = INTERVAL_INFO[interval].ms;
      const limit = klinePage(q.series.market);
      const body = await requestJson(
        exchange,
        q.series.market === "spot" ? "publicGetKlines" : "fapiPublicGetKlines",
        {
          symbol: String(market.id),
          interval,
          startTime: q.sinceMs,
          endTime: q.untilMs - 1,
          limit,
        },
      );
      const rows = mapBinanceKlines(q.series, body);
      const last = rows.at(-1)?.ts;
      return {
        rows,
        limit,
        next: nextCursor({
          cursor: q,
          rawCount: rows.length,
          limit,
          lastTs: last,
          stepMs,
          windowEndMs: q.untilMs,
          fullPageMayContinue: true,
        }),
      };
    }
    if (q.series.table === "funding_rates") {
      const body = await requestJson(exchange, "fapiPublicGetFundingRate", {
        symbol: String(market.id),
        startTime: q.sinceMs,
        endTime: q.untilMs - 1,
        limit: FUNDING_PAGE,
      });
      const rows = mapBinanceFunding(q.series, body, await statedFundingHours(String(market.id)));
      return {
        rows,
        limit: FUNDING_PAGE,
        next: nextCursor({
          cursor: q,
          rawCount: rows.length,
          limit: FUNDING_PAGE,
          lastTs: rows.at(-1)?.ts,
          stepMs: 1,
          windowEndMs: q.untilMs,
          fullPageMayContinue: true,
        }),
      };
    }
    if (q.series.table === "open_interest") {
      const end = windowEnd(q, OI_PAGE, HOUR);
      const body = await requestJson(exchange, "fapiDataGetOpenInterestHist", {
        symbol: String(market.id),
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
          stepMs: HOUR,
          windowEndMs: end,
          fullPageMayContinue: true,
        }),
      };
    }
    throw new Error(`binance: ${q.series.table} is not fetched over REST`);
  };

  return {
    ...base,
    loadMarkets,
    // With fapi blocked ccxt has no perpetual markets: the archive names them by the same rule.
    symbolFor: (b, market) =>
      market === "perp" && perpBlocked !== null ? `${b}/USDT:USDT` : base.symbolFor(b, market),
    blockedMarket: (market) => (market === "perp" ? perpBlocked : null),
    archivedTables: ARCHIVED_TABLES,
    unsupported(table: SeriesTable, market: Market) {
      if (table === "liquidations") return "not served over REST (Binance ended public liquidation history)";
      if (
        (table === "funding_rates" || table === "open_interest" || isDerivativeTable(table)) &&
        market !== "perp"
      )
        return "perpetuals only";
      return null;
    },
    earliestMs: (table, nowMs) => {
      if (table === "open_interest") return Math.ceil((nowMs - OI_DAYS * 24 * HOUR) / HOUR) * HOUR + HOUR;
      if (table === "long_short_ratios")
        return Math.ceil((nowMs - BINANCE_STATS_DAYS * 24 * HOUR) / HOUR) * HOUR + HOUR;
      return 0;
    },
    pageSize: (table, market) => {
      if (table === "long_short_ratios") return BINANCE_STATS_PAGE;
      if (isDerivativeTable(table)) return BINANCE_PRICE_KLINE_PAGE;
      return table === "open_interest"
        ? OI_PAGE
        : table === "funding_rates"
          ? FUNDING_PAGE
          : klinePage(market);
    },
    fetchPage,
  };
}
