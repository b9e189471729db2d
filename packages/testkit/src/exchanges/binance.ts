import {
  fundingIntervalHours,
  INTERVAL_MS,
  modelSymbol,
  type SimCandle,
  type SimInterval,
} from "../series/index.js";
import {
  BINANCE_COINM_SYMBOLS,
  BINANCE_USDM_SYMBOLS,
  binanceCoinmExchangeInfo,
  binanceSpotExchangeInfo,
  binanceUsdmExchangeInfo,
  binanceSpotSymbols,
  binanceUsdmSymbols,
} from "./binance-markets.js";
import { createBinanceDerivativeRoutes } from "./binance-derivatives.js";
import { binanceError, futuresDataRoute } from "./binance-futures-data.js";
import { candlesInWindow, clampLimit, intParam, lastDayOf } from "./candle-window.js";
import { PUBLISHED_LIMITS } from "./published-limits.js";
import { RateWindow } from "./rate-window.js";
import type { Admission, ExchangeApi, ExchangeContext, RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * Binance spot (/api/v3), USDⓈ-M (/fapi, /futures/data) and COIN-M (/dapi) on one host.
 * Weights and caps as Binance documents them: spot klines weigh 2 at any limit (cap 1000);
 * USDⓈ-M klines weigh 1 / 2 / 5 / 10 for limit < 100 / < 500 / <= 1000 / above (cap 1500).
 */
const SPOT_BUDGET = PUBLISHED_LIMITS.binance.spotWeight;
const FUTURES_BUDGET = PUBLISHED_LIMITS.binance.usdmWeight;
/** 429s answered to a client still over budget before it is banned with a 418. */
const STRIKES_BEFORE_BAN = 5;
/**
 * "IP bans are tracked and scale in duration for repeat offenders, from 2 minutes to 3 days", and a
 * 418's Retry-After says when the ban is over (Binance's "LIMITS" section of its API docs). Here a
 * ban doubles each time the client earns another, including by sending while banned.
 */
const FIRST_BAN_MS = 120_000;
const LONGEST_BAN_MS = 3 * 86_400_000;

type Family = "spot" | "usdm" | "coinm";

function familyOf(route: string): Family {
  if (route.startsWith("/fapi/") || route.startsWith("/futures/")) return "usdm";
  if (route.startsWith("/dapi/")) return "coinm";
  return "spot";
}

function futuresKlineWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

function weightOf(req: SimRequest): number {
  const family = familyOf(req.route);
  if (req.route.endsWith("/exchangeInfo")) return family === "spot" ? 20 : 1;
  if (/[kK]lines$/.test(req.route))
    return family === "spot" ? 2 : futuresKlineWeight(intParam(req.query, "limit") ?? 500);
  if (req.route.endsWith("/ticker/24hr")) return family === "spot" ? 2 : 1;
  if (req.route.startsWith("/futures/data/")) return 0;
  return 1;
}

const error = binanceError;
const fixed = (x: number, decimals: number): string => x.toFixed(decimals);

function klineRow(
  c: SimCandle,
  ms: number,
  spot: boolean,
  priceDecimals: number,
  volumeDecimals: number,
): unknown[] {
  const [p, v, q] = spot
    ? [8, 8, 8]
    : [priceDecimals, volumeDecimals, Math.min(8, priceDecimals + volumeDecimals)];
  const takerBase = c.volume / 2;
  return [
    c.ts,
    fixed(c.open, p),
    fixed(c.high, p),
    fixed(c.low, p),
    fixed(c.close, p),
    fixed(c.volume, v),
    c.ts + ms - 1,
    fixed(c.quoteVolume, q),
    c.trades,
    fixed(takerBase, v),
    fixed(c.quoteVolume / 2, q),
    "0",
  ];
}

export function createBinanceApi(ctx: ExchangeContext): ExchangeApi {
  const { series } = ctx;
  const weights = new RateWindow(PUBLISHED_LIMITS.binance.windowMs);
  const strikes = new Map<Family, number>();
  let bannedUntil = 0;
  /** The length of the last ban; the next one is twice as long. */
  let lastBanMs = 0;

  const symbolsOf = (family: Family, nowMs: number): Readonly<Record<string, string>> =>
    family === "spot"
      ? binanceSpotSymbols(ctx.listings)
      : family === "usdm"
        ? binanceUsdmSymbols(ctx.listings, nowMs)
        : BINANCE_COINM_SYMBOLS;

  // The generated perpetuals (never in the lifecycle scenario): the fundingInfo route lists them too.
  const generatedUsdm = Object.fromEntries(
    ctx.listings.generated.map((base) => [`${base}USDT`, `${base}/USDT:USDT`]),
  );

  const resolve = (req: SimRequest, param = "symbol"): string | undefined =>
    symbolsOf(familyOf(req.route), req.nowMs)[req.query.get(param) ?? req.query.get("pair") ?? ""];

  const klines: RouteHandler = (req) => {
    const family = familyOf(req.route);
    const symbol = resolve(req);
    if (symbol === undefined) return error(400, -1121, "Invalid symbol.");
    const interval = req.query.get("interval") as SimInterval | null;
    if (interval === null || !(interval in INTERVAL_MS)) return error(400, -1120, "Invalid interval.");
    const limit = clampLimit(intParam(req.query, "limit"), 500, family === "spot" ? 1000 : 1500);
    const fromMs = intParam(req.query, "startTime");
    const toMs = intParam(req.query, "endTime");
    const anchor = fromMs === undefined ? "end" : "start";
    const candles = candlesInWindow(series, {
      exchange: "binance",
      symbol,
      interval,
      fromMs,
      toMs,
      limit,
      anchor,
      nowMs: req.nowMs,
    });
    const model = modelSymbol(series.seed, "binance", symbol);
    const ms = INTERVAL_MS[interval];
    return {
      status: 200,
      body: candles.map((c) => klineRow(c, ms, family === "spot", model.priceDecimals, model.volumeDecimals)),
    };
  };

  const fundingRate: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined) return error(400, -1121, "Invalid symbol.");
    const limit = clampLimit(intParam(req.query, "limit"), 100, 1000);
    const fromMs = intParam(req.query, "startTime");
    const toMs = Math.min(intParam(req.query, "endTime") ?? req.nowMs, req.nowMs);
    const all = series.fundingRates({
      exchange: "binance",
      symbol,
      startMs: fromMs ?? toMs - limit * 8 * 3_600_000 - 1,
      endMs: toMs + 1,
    });
    const rows = fromMs === undefined ? all.slice(-limit) : all.slice(0, limit);
    const decimals = modelSymbol(series.seed, "binance", symbol).priceDecimals;
    return {
      status: 200,
      body: rows.map((r) => ({
        symbol: req.query.get("symbol"),
        fundingTime: r.ts,
        fundingRate: fixed(r.fundingRate, 8),
        markPrice: fixed(r.markPrice, Math.max(8, decimals)),
      })),
    };
  };

  /**
   * /fapi/v1/fundingInfo: every symbol with an adjusted cap, floor or funding interval, all in one
   * answer (no parameters), as the real one recorded on 2025-09-15 has them: numbers of hours, caps
   * as strings, `disclaimer`, `updateTime` null where never adjusted.
   */
  const fundingInfo: RouteHandler = () => ({
    status: 200,
    body: Object.entries({ ...BINANCE_USDM_SYMBOLS, ...generatedUsdm }).map(([id, symbol]) => {
      const hours = fundingIntervalHours("binance", symbol);
      const cap = hours === 8 ? "0.00300" : "0.02000000";
      return {
        symbol: id,
        adjustedFundingRateCap: cap,
        adjustedFundingRateFloor: `-${cap}`,
        fundingIntervalHours: hours,
        disclaimer: hours === 8,
        updateTime: hours === 8 ? null : 1697703073725,
      };
    }),
  });

  // Binance keeps only the last 30 days of open-interest statistics, and refuses an older
  // `startTime` rather than clamping it (measured publicly; see the README's horizon table).
  const openInterestHist = futuresDataRoute(
    resolve,
    (range) => series.openInterest(range),
    (r, id) => ({
      symbol: id,
      sumOpenInterest: fixed(r.openInterest, 8),
      sumOpenInterestValue: fixed(r.openInterestValue, 8),
      timestamp: r.ts,
    }),
  );

  const ticker24hr: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined) return error(400, -1121, "Invalid symbol.");
    const day = lastDayOf(series, { exchange: "binance", symbol, interval: "1m", nowMs: req.nowMs });
    if (day === undefined) return error(400, -1121, "Invalid symbol.");
    const { first, last, high, low, volume, quoteVolume } = day;
    const f = (x: number): string => fixed(x, 8);
    return {
      status: 200,
      body: {
        symbol: req.query.get("symbol"),
        priceChange: f(last.close - first.open),
        priceChangePercent: fixed(((last.close - first.open) / first.open) * 100, 3),
        weightedAvgPrice: f(quoteVolume / volume),
        prevClosePrice: f(first.open),
        lastPrice: f(last.close),
        lastQty: f(0.001),
        bidPrice: f(last.close),
        bidQty: f(1),
        askPrice: f(last.close),
        askQty: f(1),
        openPrice: f(first.open),
        highPrice: f(high),
        lowPrice: f(low),
        volume: f(volume),
        quoteVolume: f(quoteVolume),
        openTime: req.nowMs - 86_400_000,
        closeTime: req.nowMs,
        firstId: 1,
        lastId: day.trades,
        count: day.trades,
      },
    };
  };

  const time: RouteHandler = (req) => ({ status: 200, body: { serverTime: req.nowMs } });
  const ping: RouteHandler = () => ({ status: 200, body: {} });

  const routes: Record<string, RouteHandler> = {
    "/api/v3/ping": ping,
    "/api/v3/time": time,
    "/api/v3/exchangeInfo": (req) => ({
      status: 200,
      body: binanceSpotExchangeInfo(req.nowMs, ctx.listings),
    }),
    "/api/v3/klines": klines,
    "/api/v3/ticker/24hr": ticker24hr,
    "/fapi/v1/ping": ping,
    "/fapi/v1/time": time,
    "/fapi/v1/exchangeInfo": (req) => ({
      status: 200,
      body: binanceUsdmExchangeInfo(req.nowMs, ctx.listings),
    }),
    "/fapi/v1/klines": klines,
    "/fapi/v1/fundingRate": fundingRate,
    "/fapi/v1/fundingInfo": fundingInfo,
    "/fapi/v1/ticker/24hr": ticker24hr,
    "/futures/data/openInterestHist": openInterestHist,
    ...createBinanceDerivativeRoutes({ series, resolve: (req) => resolve(req) }),
    "/dapi/v1/ping": ping,
    "/dapi/v1/time": time,
    "/dapi/v1/exchangeInfo": (req) => ({
      status: 200,
      body: binanceCoinmExchangeInfo(req.nowMs, ctx.listings),
    }),
    "/dapi/v1/klines": klines,
  };

  const rateLimited = (retryAfterSeconds: number, status: 429 | 418): SimReply => ({
    status,
    headers: { "Retry-After": String(retryAfterSeconds) },
    body:
      status === 429
        ? {
            code: -1003,
            msg: "Too many requests; current limit of IP(127.0.0.1) request weight is exceeded per 1 minute. Please use WebSocket Streams for live updates to avoid polling the API.",
          }
        : {
            code: -1003,
            msg: `Way too much request weight used; IP banned until ${bannedUntil}. Please use WebSocket Streams for live updates to avoid bans.`,
          },
  });

  /** Starts a ban of `ms` (or the next on the ladder, if longer) and answers it. */
  const banFor = (clockMs: number, ms: number): SimReply => {
    lastBanMs = Math.min(LONGEST_BAN_MS, Math.max(ms, lastBanMs * 2));
    bannedUntil = clockMs + lastBanMs;
    return rateLimited(Math.ceil(lastBanMs / 1000), 418);
  };

  const admit = (req: SimRequest, clockMs: number): Admission => {
    // Asking while banned earns a longer ban: the repeat offender Binance's ladder is for.
    if (clockMs < bannedUntil) return { reject: banFor(clockMs, 0), banned: true, duringBan: true };
    const family = familyOf(req.route);
    const budget = family === "spot" ? SPOT_BUDGET : FUTURES_BUDGET;
    const weight = weightOf(req);
    const used = weights.usedBy(family, clockMs);
    if (used + weight > budget) {
      const strike = (strikes.get(family) ?? 0) + 1;
      strikes.set(family, strike);
      if (strike > STRIKES_BEFORE_BAN) return { reject: banFor(clockMs, FIRST_BAN_MS), banned: true };
      return { reject: rateLimited(weights.secondsLeft(clockMs), 429) };
    }
    strikes.set(family, 0);
    const total = weights.add(family, clockMs, weight);
    const header: Record<string, string> =
      family === "spot"
        ? { "x-mbx-used-weight": String(total), "x-mbx-used-weight-1m": String(total) }
        : { "X-MBX-USED-WEIGHT-1M": String(total) };
    return { weight, weightKey: family, headers: header };
  };

  return {
    routes,
    admit,
    rateLimited,
    ban: (clockMs, seconds) => banFor(clockMs, seconds * 1000),
    notFound: () => error(404, -1, "Not found."),
  };
}
