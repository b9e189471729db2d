import { hashString, roundTo, unitAt } from "../series/hash.js";
import { INTERVAL_MS, modelSymbol, type SimCandle, type SimInterval } from "../series/index.js";
import { candlesInWindow, clampLimit, intParam, lastDayOf } from "./candle-window.js";
import { createOkxDerivativeRoutes } from "./okx-derivatives.js";
import { pageNewestFirst, RUBIK_PERIODS, rubikWindow } from "./okx-paging.js";
import { okxInstrument, okxInstruments, type OkxInstrument } from "./okx-markets.js";
import { PUBLISHED_LIMITS, okxRouteLimit } from "./published-limits.js";
import { RateWindow } from "./rate-window.js";
import { keepShare } from "./listing-controls.js";
import { okxBooksRoute } from "./okx-book.js";
import type { Admission, ExchangeApi, ExchangeContext, RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * OKX v5. Pages are newest first; `after` asks for records older than a ts, `before` for newer
 * ones. /market/candles serves only the latest 1440 bars, /market/history-candles everything, both
 * capped at 300 per request (history-candles was 100 until 2025; see README); the bar still forming
 * carries confirm "0". Funding history caps at 400 and carries two rates: `realizedRate`, the
 * rate actually paid, and `fundingRate`, the one predicted before settlement.
 */
const BARS: Readonly<Record<string, SimInterval>> = { "1m": "1m", "1H": "1h", "1Hutc": "1h", "1Dutc": "1d" };
/**
 * public/funding-rate-history serves "the last 3 months" (played as 90 days), public/liquidation-orders
 * "the last day". Older records are simply not there: the page comes back shorter or empty, no error.
 */
const FUNDING_HISTORY_MS = 90 * 86_400_000;
const LIQUIDATION_HISTORY_MS = 86_400_000;

const ok = (data: unknown): SimReply => ({ status: 200, body: { code: "0", msg: "", data } });
const fail = (code: string, msg: string, status = 200): SimReply => ({
  status,
  body: { code, msg, data: [] },
});
const unknownInstrument = (): SimReply => fail("51001", "Instrument ID does not exist");

/**
 * The rate OKX predicted for a funding time before settling it: near the paid (realised) rate and
 * never equal to it, so a reader of the wrong field is caught.
 */
function predictedRate(symbol: string, ts: number, realized: number): number {
  const u = unitAt(hashString(`okx|predicted|${symbol}`), ts);
  const drift = 0.000001 + 0.00002 * u;
  return roundTo(realized + (u < 0.5 ? -drift : drift), 10);
}

/** The `after`/`before` paging parameters of most routes. */
const afterBefore = (req: SimRequest) => ({
  after: intParam(req.query, "after"),
  before: intParam(req.query, "before"),
});

export function createOkxApi(ctx: ExchangeContext): ExchangeApi {
  const { series } = ctx;
  const windows = new RateWindow(PUBLISHED_LIMITS.okx.windowMs);

  const instrumentOf = (req: SimRequest): OkxInstrument | undefined =>
    okxInstrument(req.query.get("instId") ?? "");

  const candleRow = (c: SimCandle, inst: OkxInstrument, ms: number, nowMs: number): string[] => {
    const volume = inst.swap ? String(Number((c.volume / inst.ctVal).toFixed(2))) : String(c.volume);
    const base = inst.swap ? String(c.volume) : String(c.quoteVolume);
    return [
      String(c.ts),
      String(c.open),
      String(c.high),
      String(c.low),
      String(c.close),
      volume,
      base,
      String(c.quoteVolume),
      c.ts + ms > nowMs ? "0" : "1",
    ];
  };

  const candles =
    (history: boolean): RouteHandler =>
    (req) => {
      const inst = instrumentOf(req);
      if (inst === undefined) return unknownInstrument();
      const interval = BARS[req.query.get("bar") ?? "1m"];
      if (interval === undefined) return fail("51000", "Parameter bar error");
      const ms = INTERVAL_MS[interval];
      const limit = clampLimit(intParam(req.query, "limit"), 100, 300);
      const after = intParam(req.query, "after");
      const before = intParam(req.query, "before");
      // The recent endpoint only knows the latest 1440 bars.
      const floor = history ? undefined : Math.floor(req.nowMs / ms) * ms - 1439 * ms;
      const fromMs = Math.max(
        before === undefined ? Number.NEGATIVE_INFINITY : before + 1,
        floor ?? Number.NEGATIVE_INFINITY,
      );
      const window = candlesInWindow(series, {
        exchange: "okx",
        symbol: inst.symbol,
        interval,
        fromMs: Number.isFinite(fromMs) ? fromMs : undefined,
        toMs: after === undefined ? undefined : after - 1,
        limit,
        anchor: before !== undefined && after === undefined ? "start" : "end",
        nowMs: req.nowMs,
      });
      return ok(window.reverse().map((c) => candleRow(c, inst, ms, req.nowMs)));
    };

  const fundingRateHistory: RouteHandler = (req) => {
    const inst = instrumentOf(req);
    if (inst === undefined || !inst.swap) return unknownInstrument();
    const limit = clampLimit(intParam(req.query, "limit"), 400, 400);
    const after = Math.min(intParam(req.query, "after") ?? req.nowMs, req.nowMs);
    const before = intParam(req.query, "before");
    const span = (limit + 1) * 8 * 3_600_000;
    const startMs = Math.max(
      before === undefined ? after - span : before + 1,
      req.nowMs - FUNDING_HISTORY_MS,
    );
    const endMs = before !== undefined && !req.query.has("after") ? Math.min(after, startMs + span) : after;
    const rows = pageNewestFirst(
      series.fundingRates({ exchange: "okx", symbol: inst.symbol, startMs, endMs }),
      afterBefore(req),
      limit,
    );
    return ok(
      rows.map((r) => ({
        formulaType: "noRate",
        fundingRate: String(predictedRate(inst.symbol, r.ts, r.fundingRate)),
        fundingTime: String(r.ts),
        instId: req.query.get("instId"),
        instType: "SWAP",
        method: "current_period",
        realizedRate: String(r.fundingRate),
      })),
    );
  };

  const openInterestVolume: RouteHandler = (req) => {
    const periodMs = RUBIK_PERIODS[req.query.get("period") ?? "5m"];
    const ccy = req.query.get("ccy");
    if (periodMs === undefined || ccy === null || okxInstrument(`${ccy}-USDT-SWAP`) === undefined)
      return fail("51000", "Parameter ccy error");
    const end = Math.min(intParam(req.query, "end") ?? req.nowMs, req.nowMs - periodMs);
    const begin = intParam(req.query, "begin") ?? end - 99 * periodMs;
    const rows = series
      .openInterest({ exchange: "okx", symbol: `${ccy}/USDT:USDT`, startMs: begin, endMs: end + 1, periodMs })
      .slice(-100);
    return ok(
      rows
        .reverse()
        .map((r) => [
          String(r.ts),
          String(r.openInterestValue),
          String(Math.round(r.openInterestValue * 0.8)),
        ]),
    );
  };

  /**
   * Per instrument: `[ts, oi (contracts), oiCcy (base), oiUsd]`, newest first, cap 100, closed
   * periods only. `end` asks for records older than a ts, `begin` for newer ones; with only `begin`
   * the ones right after it.
   */
  const openInterestHistory: RouteHandler = (req) => {
    const inst = instrumentOf(req);
    if (inst === undefined || !inst.swap) return unknownInstrument();
    const window = rubikWindow(req.query, req.nowMs);
    if (window === undefined) return fail("51000", "Parameter period error");
    const { periodMs, startMs, endMs, bounds, limit } = window;
    const all = series.openInterest({ exchange: "okx", symbol: inst.symbol, startMs, endMs, periodMs });
    const rows = pageNewestFirst(all, bounds, limit);
    return ok(
      rows.map((r) => [
        String(r.ts),
        String(Number((r.openInterest / inst.ctVal).toFixed(2))),
        String(r.openInterest),
        String(r.openInterestValue),
      ]),
    );
  };

  const liquidationOrders: RouteHandler = (req) => {
    const family = req.query.get("instFamily") ?? req.query.get("uly");
    if (req.query.get("instType") !== "SWAP" || family === null)
      return fail("51000", "Parameter instType error");
    const inst = okxInstrument(`${family}-SWAP`);
    if (inst === undefined) return unknownInstrument();
    const limit = clampLimit(intParam(req.query, "limit"), 100, 100);
    const after = Math.min(intParam(req.query, "after") ?? req.nowMs, req.nowMs);
    const before = intParam(req.query, "before");
    const startMs = Math.max(before ?? 0, req.nowMs - LIQUIDATION_HISTORY_MS);
    const rows = pageNewestFirst(
      series.liquidations({ exchange: "okx", symbol: inst.symbol, startMs, endMs: after }),
      afterBefore(req),
      limit,
    );
    const details = rows.map((r) => ({
      bkLoss: "0",
      bkPx: String(r.price),
      ccy: "",
      posSide: r.side,
      side: r.side === "long" ? "sell" : "buy",
      sz: String(Number((r.amount / inst.ctVal).toFixed(2))),
      ts: String(r.ts),
    }));
    return ok([
      { details, instFamily: family, instId: `${family}-SWAP`, instType: "SWAP", totalLoss: "", uly: family },
    ]);
  };

  const ticker: RouteHandler = (req) => {
    const inst = instrumentOf(req);
    if (inst === undefined) return unknownInstrument();
    const day = lastDayOf(series, { exchange: "okx", symbol: inst.symbol, interval: "1h", nowMs: req.nowMs });
    if (day === undefined) return unknownInstrument();
    const { first, last } = day;
    const tick = 10 ** -modelSymbol(series.seed, "okx", inst.symbol).priceDecimals;
    const vol = day.volume;
    return ok([
      {
        instType: inst.swap ? "SWAP" : "SPOT",
        instId: req.query.get("instId"),
        last: String(last.close),
        lastSz: "0.01",
        askPx: String(Number((last.close + tick).toFixed(8))),
        askSz: "1",
        bidPx: String(last.close),
        bidSz: "1",
        open24h: String(first.open),
        high24h: String(day.high),
        low24h: String(day.low),
        volCcy24h: String(day.quoteVolume),
        vol24h: String(inst.swap ? vol / inst.ctVal : vol),
        ts: String(req.nowMs),
        sodUtc0: String(first.open),
        sodUtc8: String(first.open),
      },
    ]);
  };

  const routes: Record<string, RouteHandler> = {
    "/api/v5/public/time": (req) => ok([{ ts: String(req.nowMs) }]),
    "/api/v5/public/instruments": (req) =>
      ok(
        keepShare(
          okxInstruments(req.query.get("instType") ?? "", ctx.listings.generated),
          ctx.listings.share,
        ),
      ),
    "/api/v5/market/candles": candles(false),
    "/api/v5/market/history-candles": candles(true),
    "/api/v5/public/funding-rate-history": fundingRateHistory,
    "/api/v5/rubik/stat/contracts/open-interest-volume": openInterestVolume,
    "/api/v5/rubik/stat/contracts/open-interest-history": openInterestHistory,
    "/api/v5/public/liquidation-orders": liquidationOrders,
    "/api/v5/market/ticker": ticker,
    ...createOkxDerivativeRoutes(series),
    "/api/v5/market/books": okxBooksRoute(series),
  };

  const rateLimited = (retryAfterSeconds: number, status: 429 | 418): SimReply => ({
    status,
    headers: { "Retry-After": String(retryAfterSeconds) },
    body: { msg: "Too Many Requests", code: "50011" },
  });

  const admit = (req: SimRequest, clockMs: number): Admission => {
    const limit = okxRouteLimit(req.route);
    const used = windows.add(req.route, clockMs);
    return used > limit ? { reject: rateLimited(windows.secondsLeft(clockMs), 429) } : {};
  };

  return {
    routes,
    admit,
    rateLimited,
    // Public market data is rate limited with 429s, never banned.
    ban: () => rateLimited(1, 429),
    notFound: () => fail("50030", "Illegal request", 404),
  };
}
