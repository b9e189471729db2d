import { bybitInstruments, bybitSymbol } from "./bybit-markets.js";
import { createBybitDerivativeRoutes } from "./bybit-derivatives.js";
import { BYBIT_PERIODS, bybitKlineWindow, fail, ok } from "./bybit-v5.js";
import { candlesInWindow, clampLimit, intParam, lastDayOf, ohlcStrings } from "./candle-window.js";
import { PUBLISHED_LIMITS } from "./published-limits.js";
import { RateWindow } from "./rate-window.js";
import { bybitOrderbookRoute } from "./bybit-book.js";
import { keepShare } from "./listing-controls.js";
import type { Admission, ExchangeApi, ExchangeContext, RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * Bybit v5: retCode 0, every number a string, pages newest first. Kline `start` selects from the
 * candle containing it (cap 1000, default 200); funding history caps at 200; open interest pages
 * with an opaque `nextPageCursor`. The IP limit is 600 requests per 5 s, answered with HTTP 403.
 *
 * Open interest counts both sides: `openInterest` is the longs plus the shorts ("the sum of both
 * sides", Bybit's docs since 2023-11), twice the one-sided figure other exchanges state. From
 * 2026-06-11 rows also carry `singleOpenInterest`, the one side (changelog 2026-06-11).
 */
const IP_LIMIT = PUBLISHED_LIMITS.bybit.requests;
/**
 * Over 600 requests in 5 s: "403, access too frequent ... terminate all HTTP sessions and wait for
 * at least 10 minutes. The ban will be lifted automatically" (Bybit V5 rate-limit docs). No
 * Retry-After. Whether sending during the ban lengthens it is not documented: here it does not.
 */
const IP_BAN_MS = 10 * 60_000;

/** The day Bybit added `singleOpenInterest` (and `singleOpenInterestValue` on tickers). */
const BYBIT_SINGLE_OI_FROM_MS = Date.UTC(2026, 5, 11);

/** Bybit's cursor format, e.g. "lastid%3D10860016%26lasttime%3D1739725200" (seconds). */
const encodeCursor = (tsMs: number): string =>
  `lastid%3D${Math.floor(tsMs / 1000) % 100_000_000}%26lasttime%3D${Math.floor(tsMs / 1000)}`;
function decodeCursor(cursor: string | null): number | undefined {
  const match = /lasttime(?:%3D|=)(\d+)/.exec(cursor ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1000;
}

export function createBybitApi(ctx: ExchangeContext): ExchangeApi {
  const { series } = ctx;
  const ipWindow = new RateWindow(PUBLISHED_LIMITS.bybit.windowMs);

  const resolve = (req: SimRequest): string | undefined =>
    bybitSymbol(req.query.get("category") ?? "", req.query.get("symbol") ?? "");
  const badSymbol = (req: SimRequest): SimReply => fail(10001, "params error: symbol invalid", req.nowMs);

  const kline: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined) return badSymbol(req);
    const window = bybitKlineWindow(req, symbol);
    if ("status" in window) return window;
    const list = candlesInWindow(series, window)
      .reverse()
      .map((c) => [...ohlcStrings(c), String(c.volume), String(c.quoteVolume)]);
    return ok({ symbol: req.query.get("symbol"), category: req.query.get("category"), list }, req.nowMs);
  };

  const fundingHistory: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined || req.query.get("category") === "spot") return badSymbol(req);
    const limit = clampLimit(intParam(req.query, "limit"), 200, 200);
    const startTime = intParam(req.query, "startTime");
    const endTime = Math.min(intParam(req.query, "endTime") ?? req.nowMs, req.nowMs);
    if (startTime !== undefined && !req.query.has("endTime"))
      return fail(10001, "params error: endTime is required when startTime is set", req.nowMs);
    const all = series.fundingRates({
      exchange: "bybit",
      symbol,
      startMs: startTime ?? endTime - (limit + 1) * 8 * 3_600_000,
      endMs: endTime + 1,
    });
    const list = all
      .slice(-limit)
      .reverse()
      .map((r) => ({
        symbol: req.query.get("symbol"),
        fundingRate: String(r.fundingRate),
        fundingRateTimestamp: String(r.ts),
      }));
    return ok({ category: req.query.get("category"), list }, req.nowMs);
  };

  const openInterest: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined || req.query.get("category") === "spot") return badSymbol(req);
    const periodMs = BYBIT_PERIODS[req.query.get("intervalTime") ?? ""];
    if (periodMs === undefined) return fail(10001, "params error: intervalTime invalid", req.nowMs);
    const limit = clampLimit(intParam(req.query, "limit"), 50, 200);
    const cursorEnd = decodeCursor(req.query.get("cursor"));
    const endTime = Math.min(
      intParam(req.query, "endTime") ?? req.nowMs,
      cursorEnd === undefined ? req.nowMs : cursorEnd - 1,
      req.nowMs,
    );
    const startTime = intParam(req.query, "startTime") ?? endTime - (limit + 1) * periodMs;
    const rows = series
      .openInterest({
        exchange: "bybit",
        symbol,
        startMs: Math.max(startTime, endTime - (limit + 1) * periodMs),
        endMs: endTime + 1,
        periodMs,
      })
      .slice(-limit);
    const oldest = rows[0];
    const more = oldest !== undefined && oldest.ts - periodMs >= startTime;
    // Rows from before 2026-06-11 are served without `singleOpenInterest`: whether Bybit backfilled it
    // is not documented (its docs example, recorded two days before, already has it on older rows).
    const list = rows.reverse().map((r) => ({
      openInterest: (2 * r.openInterest).toFixed(8),
      ...(r.ts >= BYBIT_SINGLE_OI_FROM_MS ? { singleOpenInterest: r.openInterest.toFixed(8) } : {}),
      timestamp: String(r.ts),
    }));
    return ok(
      {
        symbol: req.query.get("symbol"),
        category: req.query.get("category"),
        list,
        nextPageCursor: more ? encodeCursor(oldest.ts) : "",
      },
      req.nowMs,
    );
  };

  const tickers: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined) return badSymbol(req);
    const day = lastDayOf(series, { exchange: "bybit", symbol, interval: "1h", nowMs: req.nowMs });
    if (day === undefined) return badSymbol(req);
    const { first, last } = day;
    const contract = req.query.get("category") !== "spot";
    // The funding rate a linear ticker shows is the one predicted for `nextFundingTime`, live.
    const funding = contract
      ? series.fundingPrediction({ exchange: "bybit", symbol, atMs: req.nowMs })
      : undefined;
    const oi = contract
      ? series
          .openInterest({
            exchange: "bybit",
            symbol,
            startMs: req.nowMs - 3_600_000,
            endMs: req.nowMs,
            periodMs: 300_000,
          })
          .at(-1)
      : undefined;
    const entry: Record<string, string> = {
      symbol: req.query.get("symbol") ?? "",
      lastPrice: String(last.close),
      bid1Price: String(last.close),
      bid1Size: "1",
      ask1Price: String(last.close),
      ask1Size: "1",
      prevPrice24h: String(first.open),
      price24hPcnt: ((last.close - first.open) / first.open).toFixed(6),
      highPrice24h: String(day.high),
      lowPrice24h: String(day.low),
      turnover24h: String(day.quoteVolume),
      volume24h: String(day.volume),
    };
    if (contract) {
      Object.assign(entry, {
        indexPrice: String(funding?.indexPrice ?? last.close),
        markPrice: String(funding?.markPrice ?? last.close),
        prevPrice1h: String(last.open),
        openInterest: String(2 * (oi?.openInterest ?? 0)),
        openInterestValue: String(2 * (oi?.openInterestValue ?? 0)),
        ...(req.nowMs >= BYBIT_SINGLE_OI_FROM_MS
          ? {
              singleOpenInterest: String(oi?.openInterest ?? 0),
              singleOpenInterestValue: String(oi?.openInterestValue ?? 0),
            }
          : {}),
        fundingRate: String(funding?.fundingRate ?? 0),
        nextFundingTime: String(funding?.fundingTime ?? 0),
      });
    }
    return ok({ category: req.query.get("category"), list: [entry] }, req.nowMs);
  };

  const routes: Record<string, RouteHandler> = {
    "/v5/market/time": (req) =>
      ok({ timeSecond: String(Math.floor(req.nowMs / 1000)), timeNano: `${req.nowMs}000000` }, req.nowMs),
    "/v5/market/instruments-info": (req) => {
      const category = req.query.get("category") ?? "";
      const list =
        req.query.get("status") === "PreLaunch" ? [] : bybitInstruments(category, ctx.listings.generated);
      return ok({ category, list: keepShare(list, ctx.listings.share), nextPageCursor: "" }, req.nowMs);
    },
    "/v5/market/kline": kline,
    "/v5/market/funding/history": fundingHistory,
    "/v5/market/open-interest": openInterest,
    "/v5/market/tickers": tickers,
    ...createBybitDerivativeRoutes({ series, resolve, ok, fail }),
    "/v5/market/orderbook": bybitOrderbookRoute(series, resolve, badSymbol),
  };

  let bannedUntil = 0;
  const ipBanned: SimReply = {
    status: 403,
    raw: "403 Forbidden: access too frequent",
    contentType: "text/plain",
  };
  // Bybit sends no HTTP 429: a per-UID API limit is retCode 10006 in a 200 answer, an IP limit a ban.
  const rateLimited = (_retryAfterSeconds: number, status: 429 | 418): SimReply =>
    status === 418 ? ipBanned : { ...fail(10006, "Too many visits!", Date.now()), status: 200 };
  const ban = (clockMs: number): SimReply => {
    bannedUntil = Math.max(bannedUntil, clockMs + IP_BAN_MS);
    return ipBanned;
  };

  const admit = (_req: SimRequest, clockMs: number): Admission => {
    if (clockMs < bannedUntil) return { reject: ipBanned, banned: true, duringBan: true };
    const used = ipWindow.add("ip", clockMs);
    const headers = {
      "X-Bapi-Limit": String(IP_LIMIT),
      "X-Bapi-Limit-Status": String(Math.max(0, IP_LIMIT - used)),
      "X-Bapi-Limit-Reset-Timestamp": String(ipWindow.windowEndMs(clockMs)),
    };
    return used > IP_LIMIT ? { reject: ban(clockMs), banned: true } : { headers };
  };

  return {
    routes,
    admit,
    rateLimited,
    ban,
    notFound: (req) => ({
      status: 404,
      body: { retCode: 10404, retMsg: "Not Found", result: {}, retExtInfo: {}, time: req.nowMs },
    }),
  };
}
