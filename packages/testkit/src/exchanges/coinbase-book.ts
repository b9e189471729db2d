import { generateOrderBook, type BookLevels, type SeriesSource } from "../series/index.js";
import { coinbaseSymbol } from "./coinbase-markets.js";
import type { RouteHandler } from "./types.js";

const DEFAULT_LEVELS = 50;

/**
 * GET /api/v3/brokerage/market/product_book?product_id=&limit= in the shape of the recorded answer
 * (nautilus_trader's http_product_book.json): `pricebook` with `{price, size}` strings, an ISO
 * `time`, and the mid and spread beside it.
 */
export function coinbaseProductBookRoute(series: SeriesSource): RouteHandler {
  return (req) => {
    const productId = req.query.get("product_id") ?? "";
    const symbol = coinbaseSymbol(productId);
    if (symbol === undefined)
      return {
        status: 404,
        body: { error: "NOT_FOUND", error_details: "ProductID is invalid", message: "ProductID is invalid" },
      };
    const levels = Math.max(1, Number(req.query.get("limit") ?? DEFAULT_LEVELS) || DEFAULT_LEVELS);
    const book = generateOrderBook({
      seed: series.seed,
      exchange: "coinbase",
      symbol,
      nowMs: req.nowMs,
      levels,
    });
    const side = (rows: BookLevels) =>
      rows.map(([price, size]) => ({ price: String(price), size: String(size) }));
    const bid = book.bids[0]?.[0] ?? 0;
    const ask = book.asks[0]?.[0] ?? 0;
    const mid = (bid + ask) / 2;
    return {
      status: 200,
      body: {
        pricebook: {
          product_id: productId,
          bids: side(book.bids),
          asks: side(book.asks),
          time: new Date(book.ts).toISOString(),
        },
        last: String(mid),
        mid_market: String(mid),
        spread_bps: String(mid > 0 ? ((ask - bid) / mid) * 10_000 : 0),
        spread_absolute: String(ask - bid),
      },
    };
  };
}
