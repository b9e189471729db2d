import {
  derivePriceCandles,
  INTERVAL_MS,
  type PriceKind,
  type SeriesSource,
  type SimInterval,
} from "../series/index.js";
import { candlesInWindow, clampLimit, intParam } from "./candle-window.js";
import type { RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * Bybit v5 derivatives endpoints, registered by bybit.ts (documented examples in
 * pipeline/test/fixtures/derivatives/bybit): mark-, index- and premium-index-price-kline
 * (`[start, o, h, l, c]` strings, newest first, cap 1000, default 200, `start` selects from the
 * candle containing it, as /v5/market/kline) and account-ratio (`buyRatio`/`sellRatio` shares of
 * accounts, newest first, cap 500, default 50, `startTime`/`endTime`, an opaque `nextPageCursor`).
 */
const INTERVALS: Readonly<Record<string, SimInterval>> = { "1": "1m", "60": "1h", D: "1d" };
const PERIODS: Readonly<Record<string, number>> = {
  "5min": 300_000,
  "15min": 900_000,
  "30min": 1_800_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

export interface BybitDerivativeDeps {
  readonly series: SeriesSource;
  readonly resolve: (req: SimRequest) => string | undefined;
  readonly ok: (result: unknown, nowMs: number) => SimReply;
  readonly fail: (retCode: number, retMsg: string, nowMs: number) => SimReply;
}

export function createBybitDerivativeRoutes(deps: BybitDerivativeDeps): Record<string, RouteHandler> {
  const { series, resolve, ok, fail } = deps;

  const priceKline =
    (kind: PriceKind): RouteHandler =>
    (req) => {
      const symbol = resolve(req);
      if (symbol === undefined || !symbol.includes(":"))
        return fail(10001, "params error: symbol invalid", req.nowMs);
      const interval = INTERVALS[req.query.get("interval") ?? ""];
      if (interval === undefined) return fail(10001, "params error: interval invalid", req.nowMs);
      const ms = INTERVAL_MS[interval];
      const start = intParam(req.query, "start");
      const candles = candlesInWindow(series, {
        exchange: "bybit",
        symbol,
        interval,
        fromMs: start === undefined ? undefined : Math.floor(start / ms) * ms,
        toMs: intParam(req.query, "end"),
        limit: clampLimit(intParam(req.query, "limit"), 200, 1000),
        anchor: start === undefined || req.query.has("end") ? "end" : "start",
        nowMs: req.nowMs,
      });
      const list = derivePriceCandles(series.seed, "bybit", symbol, kind, candles, ms)
        .reverse()
        .map((c) => [String(c.ts), String(c.open), String(c.high), String(c.low), String(c.close)]);
      return ok({ symbol: req.query.get("symbol"), category: req.query.get("category"), list }, req.nowMs);
    };

  const accountRatio: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined || !symbol.includes(":"))
      return fail(10001, "params error: symbol invalid", req.nowMs);
    const periodMs = PERIODS[req.query.get("period") ?? ""];
    if (periodMs === undefined) return fail(10001, "params error: period invalid", req.nowMs);
    const limit = clampLimit(intParam(req.query, "limit"), 50, 500);
    const cursorEnd = /lasttime(?:%3D|=)(\d+)/.exec(req.query.get("cursor") ?? "")?.[1];
    const endTime = Math.min(
      intParam(req.query, "endTime") ?? req.nowMs,
      cursorEnd === undefined ? Number.POSITIVE_INFINITY : Number(cursorEnd) * 1000 - 1,
      req.nowMs - periodMs,
    );
    const startTime = intParam(req.query, "startTime") ?? endTime - (limit + 1) * periodMs;
    const rows = series
      .longShortRatios({ exchange: "bybit", symbol, startMs: startTime, endMs: endTime + 1, periodMs })
      .slice(-limit);
    const oldest = rows[0];
    const more = oldest !== undefined && oldest.ts - periodMs >= startTime;
    const list = rows.reverse().map((r) => {
      const buy = Number((r.globalAccountRatio / (1 + r.globalAccountRatio)).toFixed(4));
      return {
        symbol: req.query.get("symbol"),
        buyRatio: String(buy),
        sellRatio: String(Number((1 - buy).toFixed(4))),
        timestamp: String(r.ts),
      };
    });
    const nextPageCursor = more ? `lastid%3D0%26lasttime%3D${Math.floor(oldest.ts / 1000)}` : "";
    return ok({ list, nextPageCursor }, req.nowMs);
  };

  return {
    "/v5/market/mark-price-kline": priceKline("mark"),
    "/v5/market/index-price-kline": priceKline("index"),
    "/v5/market/premium-index-price-kline": priceKline("premium"),
    "/v5/market/account-ratio": accountRatio,
  };
}
