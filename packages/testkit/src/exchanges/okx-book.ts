import { generateOrderBook, type BookLevels, type SeriesSource } from "../series/index.js";
import { okxInstrument } from "./okx-markets.js";
import type { RouteHandler, SimReply } from "./types.js";

/** /api/v5/market/books: `sz` levels a side, at most 400 (OKX's documented cap), default 1. */
const MAX_LEVELS = 400;

/**
 * GET /api/v5/market/books?instId=&sz= as the recorded answers in ccxt's static tests have it:
 * `[px, sz, "0", orderCount]` strings, sizes of a swap in contracts (ctVal base units each), `ts`
 * a string of ms.
 */
export function okxBooksRoute(series: SeriesSource): RouteHandler {
  return (req): SimReply => {
    const inst = okxInstrument(req.query.get("instId") ?? "");
    if (inst === undefined)
      return { status: 200, body: { code: "51001", msg: "Instrument ID does not exist", data: [] } };
    const sz = Math.max(1, Math.min(MAX_LEVELS, Number(req.query.get("sz") ?? 1) || 1));
    const book = generateOrderBook({
      seed: series.seed,
      exchange: "okx",
      symbol: inst.symbol,
      nowMs: req.nowMs,
      levels: sz,
    });
    const side = (levels: BookLevels): string[][] =>
      levels.map(([px, amount], i) => [
        String(px),
        String(+(amount / inst.ctVal).toFixed(8)),
        "0",
        String(1 + (i % 7)),
      ]);
    return {
      status: 200,
      body: {
        code: "0",
        msg: "",
        data: [{ asks: side(book.asks), bids: side(book.bids), ts: String(book.ts) }],
      },
    };
  };
}
