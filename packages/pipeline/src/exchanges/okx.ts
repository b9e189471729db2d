import { candleIntervalOf, HOUR_MS, INTERVAL_INFO } from "@cexdata/schema";
import { createBaseAdapter } from "./base-adapter.js";
import { okxDerivativeTables } from "./okx-derivatives.js";
import { createBookSnapshot } from "./book-snapshot.js";
import { completeAdapter, forEachCandleTable } from "./capabilities.js";
import { epochMsOrNull } from "./market-info.js";
import { createCcxtExchange, type AdapterParams } from "./create-ccxt-exchange.js";
import { fetchWindow, nextCursor, windowEnd } from "./page-cursor.js";
import {
  expectArrayAt,
  readArray,
  readEpochMs,
  readNullableNumber,
  readNumber,
  readPath,
  readRecord,
} from "./parse-values.js";
import { replayEachBody } from "./replay-bodies.js";
import { requestJson } from "./request-json.js";
import { candleFromArray, fundingRows, liquidationRow, openInterestRow } from "./series-rows.js";
import type { ExchangeAdapter, PageCursor, SeriesRef, TableCapability } from "./types.js";
import { applyRatePlan } from "./rate-budget.js";
import { OKX_RATE_PLAN } from "./okx-rate-limits.js";

/**
 * candles (the last 1440 bars) and history-candles (everything) both serve up to 300 per request.
 * history-candles served 100 until 2025 (ccxt/ccxt#26705 quotes OKX's docs at 300; ccxt 4.5 asks
 * 300); candles keeps the higher rate limit (40 vs 20 requests / 2 s), so recent bars still use it.
 */
const HISTORY_PAGE = 300;
const RECENT_PAGE = 300;
const RECENT_BARS = 1440;
/** funding-rate-history: "The maximum is 400; The default is 400" (it was 100 until 2025). */
const FUNDING_PAGE = 400;
const OI_PAGE = 100;
/**
 * How far back each source still serves, as OKX documents it (docs-v5): open-interest-history "the
 * latest 1,440 data entries" (60 days of hours), funding-rate-history "the last 3 months",
 * liquidation-orders "in the last day". Asked for older, they answer with fewer rows, not an error.
 * Each is asked a little inside its horizon (an hour; a day for "3 months", which is 89 to 92
 * days), so a row at the edge is never lost without a gap being recorded.
 */
const OI_HISTORY_HOURS = 1440 - 1;
const FUNDING_HISTORY_DAYS = 89;
const LIQUIDATION_HISTORY_HOURS = 24 - 1;
const DAY = 24 * HOUR_MS;
const LIQUIDATION_PAGE = 100;
const BAR: Readonly<Record<string, string>> = { "1m": "1m", "1h": "1H", "1d": "1Dutc" };

/**
 * OKX candles: `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`, all strings, newest first.
 * `vol` is contracts on swaps (base units on spot), `volCcy` base units on swaps; `confirm` "0" marks
 * the candle still forming, which is never stored.
 */
export function mapOkxCandles(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "data"))
    .map(readArray)
    .filter((a) => a[8] !== "0")
    .map((a) => candleFromArray(series, a, { volume: series.market === "perp" ? 6 : 5, quoteVolume: 7 }));
}

/**
 * funding-rate-history rows carry two rates: `realizedRate`, the rate actually paid at `fundingTime`,
 * and `fundingRate`, the one predicted before settlement. funding_rates stores the rate paid.
 */
export function mapOkxFunding(series: SeriesRef, body: unknown) {
  const items = readArray(readPath(body, "data"))
    .map(readRecord)
    .map((r) => ({
      ts: readEpochMs(r.fundingTime),
      funding_rate: readNumber(r.realizedRate),
      mark_price: null,
    }));
  return fundingRows(series, items, 8);
}

/**
 * rubik open-interest-history rows: `[ts, oi (contracts), oiCcy (base), oiUsd]`, newest first, per
 * instrument: base units and USD value as OKX states them, nothing derived.
 */
export function mapOkxOpenInterest(series: SeriesRef, body: unknown) {
  return readArray(readPath(body, "data"))
    .map(readArray)
    .map((a) =>
      openInterestRow(series, {
        ts: readEpochMs(a[0]),
        open_interest: readNumber(a[2]),
        open_interest_value: readNullableNumber(a[3]),
      }),
    );
}

/** public/liquidation-orders: `data[].details[]` with `side` of the liquidation order (sell closes a long). */
export function mapOkxLiquidations(series: SeriesRef, body: unknown, contractSize: number) {
  return readArray(readPath(body, "data")).flatMap((entry) =>
    readArray(readRecord(entry).details)
      .map(readRecord)
      .map((d) => {
        const ts = readEpochMs(d.ts);
        const side =
          d.posSide === "long" || d.posSide === "short" ? d.posSide : d.side === "sell" ? "long" : "short";
        const price = readNumber(d.bkPx);
        const amount = Number((readNumber(d.sz) * contractSize).toPrecision(15));
        const id =
          typeof d.id === "string" && d.id ? d.id : `${ts}-${String(d.bkPx)}-${String(d.sz)}-${side}`;
        return liquidationRow(series, { ts, id, side, price, amount });
      }),
  );
}

/** The position a liquidation on the `liquidation-orders` channel closed: OKX says it in `details[0].posSide`. */
export function okxWsLiquidationSide(info: Record<string, unknown>): "long" | "short" | undefined {
  const details = Array.isArray(info.details)
    ? (info.details[0] as Record<string, unknown> | undefined)
    : undefined;
  return details?.posSide === "long" || details?.posSide === "short" ? details.posSide : undefined;
}

/** OKX pages newest first and exclusively: `after` = older than, `before` = newer than. */
function windowParams(cursor: PageCursor, limit: number, stepMs: number) {
  const end = windowEnd(cursor, limit, stepMs);
  return { end, params: { before: String(cursor.sinceMs - 1), after: String(end), limit: String(limit) } };
}

export function createOkxAdapter(params: AdapterParams = {}): ExchangeAdapter {
  const exchange = createCcxtExchange(
    "okx",
    {
      options: { defaultType: "spot", fetchMarkets: { types: ["spot", "swap"] } },
      // Not in ccxt's endpoint table yet; declared here so the call goes through its rate limiter.
      api: { public: { get: { "public/liquidation-orders": { cost: 2 } } } },
    },
    params,
  );
  applyRatePlan(exchange, OKX_RATE_PLAN);
  const base = createBaseAdapter(exchange, {
    // An instrument's expTime ("" for spot and swaps until OKX schedules a delisting).
    delistedAt: (m) => epochMsOrNull((m.info as Record<string, unknown> | undefined)?.["expTime"]),
  });

  const candles: TableCapability = {
    pageSize: HISTORY_PAGE,
    fetchPage: async (q) => {
      const interval = candleIntervalOf(q.series.table)!;
      const stepMs = INTERVAL_INFO[interval].ms;
      const recent = q.sinceMs >= q.nowMs - (RECENT_BARS - 1) * stepMs;
      const limit = recent ? RECENT_PAGE : HISTORY_PAGE;
      const { end, params: paging } = windowParams(q, limit, stepMs);
      const method = recent ? "publicGetMarketCandles" : "publicGetMarketHistoryCandles";
      const instId = base.market(q.series.symbol).id;
      const body = await requestJson(exchange, method, { instId, bar: BAR[interval], ...paging });
      const rows = mapOkxCandles(q.series, body);
      return {
        rows,
        limit,
        next: nextCursor({
          cursor: q,
          rawCount: 0,
          limit,
          lastTs: undefined,
          stepMs,
          windowEndMs: end,
          fullPageMayContinue: false,
        }),
      };
    },
  };

  const fundingRates: TableCapability = {
    pageSize: FUNDING_PAGE,
    earliest: (nowMs) => nowMs - FUNDING_HISTORY_DAYS * DAY,
    replay: replayEachBody((series, body) => mapOkxFunding(series, expectArrayAt(body, "data"))),
    fetchPage: async (q) => {
      // Newest first from `after`: page backwards from the end of the range.
      const body = await requestJson(exchange, "publicGetPublicFundingRateHistory", {
        instId: base.market(q.series.symbol).id,
        before: String(q.sinceMs - 1),
        after: String(q.untilMs),
        limit: String(FUNDING_PAGE),
      });
      const raw = readArray(readPath(body, "data")).length;
      const rows = mapOkxFunding(q.series, body);
      const oldest = rows[0]?.ts;
      const next =
        raw >= FUNDING_PAGE && oldest !== undefined && oldest > q.sinceMs
          ? { sinceMs: q.sinceMs, untilMs: oldest }
          : null;
      return { rows, limit: FUNDING_PAGE, next };
    },
  };

  const openInterest: TableCapability = {
    pageSize: OI_PAGE,
    earliest: (nowMs) => Math.floor(nowMs / HOUR_MS) * HOUR_MS - OI_HISTORY_HOURS * HOUR_MS,
    replay: replayEachBody((series, body) => mapOkxOpenInterest(series, expectArrayAt(body, "data"))),
    fetchPage: async (q) => {
      // A window of at most 100 hours fits one page; `begin`/`end` are exclusive.
      return fetchWindow(q, { limit: OI_PAGE, stepMs: HOUR_MS }, async (end) => {
        const body = await requestJson(exchange, "publicGetRubikStatContractsOpenInterestHistory", {
          instId: base.market(q.series.symbol).id,
          period: "1H",
          begin: String(q.sinceMs - 1),
          end: String(end),
          limit: String(OI_PAGE),
        });
        return mapOkxOpenInterest(q.series, body);
      });
    },
  };

  const liquidations: TableCapability = {
    pageSize: LIQUIDATION_PAGE,
    earliest: (nowMs) => nowMs - LIQUIDATION_HISTORY_HOURS * HOUR_MS,
    replay: replayEachBody((series, body, market) =>
      mapOkxLiquidations(series, expectArrayAt(body, "data"), market.contractSize ?? 1),
    ),
    fetchPage: async (q) => {
      const market = base.market(q.series.symbol);
      const body = await requestJson(exchange, "publicGetPublicLiquidationOrders", {
        instType: "SWAP",
        instFamily: String(readRecord(market.info).instFamily ?? `${market.base}-${market.quote}`),
        state: "filled",
        before: String(q.sinceMs - 1),
        after: String(q.untilMs),
        limit: String(LIQUIDATION_PAGE),
      });
      const rows = mapOkxLiquidations(q.series, body, market.contractSize ?? 1);
      const raw = rows.length;
      const oldest = rows.reduce((min, r) => (r.ts < min ? r.ts : min), Infinity);
      // Liquidations can share a millisecond: the next page includes the boundary one (the pager drops repeats).
      const next =
        raw >= LIQUIDATION_PAGE && oldest > q.sinceMs && Number.isFinite(oldest)
          ? { sinceMs: q.sinceMs, untilMs: oldest + 1 }
          : null;
      return { rows, limit: LIQUIDATION_PAGE, next };
    },
  };

  return completeAdapter(
    base,
    {
      tables: {
        ...forEachCandleTable(candles),
        funding_rates: fundingRates,
        open_interest: openInterest,
        liquidations,
        ...okxDerivativeTables(exchange, base.market),
      },
    },
    {
      // /api/v5/market/books sizes a swap's levels in contracts (ctVal base units each).
      bookSnapshot: createBookSnapshot(exchange, (symbol, market) =>
        market === "perp" ? (base.market(symbol).contractSize ?? 1) : 1,
      ),
    },
  );
}
