import type { PriceKind, SeriesSource } from "../series/index.js";
import { BYBIT_PERIODS, bybitKlineWindow } from "./bybit-v5.js";
import { clampLimit, intParam, ohlcStrings, priceCandlesInWindow } from "./candle-window.js";
import type { RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * Bybit v5 derivatives endpoints, registered by bybit.ts (documented examples in
 * pipeline/test/fixtures/derivatives/bybit): mark-, index- and premium-index-price-kline
 * (`[start, o, h, l, c]` strings, newest first, cap 1000, default 200, `start` selects from the
 * candle containing it, as /v5/market/kline) and account-ratio (`buyRatio`/`sellRatio` shares of
 * accounts, newest first, cap 500, default 50, `startTime`/`endTime`, an opaque `nextPageCursor`).
 */
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
      const window = bybitKlineWindow(req, symbol);
      if ("status" in window) return window;
      const list = priceCandlesInWindow(series, kind, window)
        .reverse()
        .map((c) => ohlcStrings(c));
      return ok({ symbol: req.query.get("symbol"), category: req.query.get("category"), list }, req.nowMs);
    };

  const accountRatio: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined || !symbol.includes(":"))
      return fail(10001, "params error: symbol invalid", req.nowMs);
    const periodMs = BYBIT_PERIODS[req.query.get("period") ?? ""];
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
