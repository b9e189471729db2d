import { generateOrderBook, type BookLevels, type SeriesSource } from "../series/index.js";
import type { RouteHandler, SimReply, SimRequest } from "./types.js";

/** Documented `limit` ranges of /v5/market/orderbook: linear 1..500 (default 25), spot 1..200 (default 1). */
const LIMITS: Readonly<Record<string, { max: number; fallback: number }>> = {
  linear: { max: 500, fallback: 25 },
  spot: { max: 200, fallback: 1 },
};

/**
 * GET /v5/market/orderbook?category=&symbol=&limit= as ccxt's recorded answers have it: `b`/`a` as
 * `[price, size]` strings (base units on linear and spot), `ts` and the update ids `u`/`seq`.
 */
export function bybitOrderbookRoute(
  series: SeriesSource,
  resolve: (req: SimRequest) => string | undefined,
  badSymbol: (req: SimRequest) => SimReply,
): RouteHandler {
  return (req) => {
    const symbol = resolve(req);
    const range = LIMITS[req.query.get("category") ?? ""];
    if (symbol === undefined || range === undefined) return badSymbol(req);
    const limit = Math.max(1, Math.min(range.max, Number(req.query.get("limit") ?? range.fallback) || 1));
    const book = generateOrderBook({
      seed: series.seed,
      exchange: "bybit",
      symbol,
      nowMs: req.nowMs,
      levels: limit,
    });
    const side = (levels: BookLevels): string[][] => levels.map(([p, s]) => [String(p), String(s)]);
    const updateId = Math.floor(req.nowMs / 100) % 1_000_000_000;
    return {
      status: 200,
      body: {
        retCode: 0,
        retMsg: "OK",
        result: {
          s: req.query.get("symbol"),
          b: side(book.bids),
          a: side(book.asks),
          ts: book.ts,
          u: updateId,
          seq: updateId * 3,
        },
        retExtInfo: {},
        time: req.nowMs,
      },
    };
  };
}
