import type { Exchange } from "ccxt";
import type { BookDepthRow, Market } from "@cexdata/schema";
import { seriesRow } from "./series-rows.js";
import type { BookSnapshot } from "./types.js";

/** Levels a side each run's snapshot keeps: enough for depth near the mid, cheap on every exchange. */
export const BOOK_LEVELS = 20;

/**
 * A snapshot taker over ccxt's fetchOrderBook: levels best first on each side (level 1 nearest the
 * mid), stamped with the exchange's own time of the book (the run's clock where it gives none).
 * `amountScale` turns the exchange's size unit into base units where it is not one already (OKX
 * sizes a swap's book in contracts).
 */
export function createBookSnapshot(
  exchange: Exchange,
  amountScale: (symbol: string, market: Market) => number = () => 1,
): BookSnapshot {
  return async (symbol, market, nowMs) => {
    const book = await exchange.fetchOrderBook(symbol, BOOK_LEVELS);
    const ts = typeof book.timestamp === "number" ? book.timestamp : nowMs;
    const scale = amountScale(symbol, market);
    const series = { table: "book_depth" as const, exchange: exchange.id, market, symbol };
    const rows: BookDepthRow[] = [];
    for (const [side, levels] of [
      ["bid", book.bids],
      ["ask", book.asks],
    ] as const) {
      levels.slice(0, BOOK_LEVELS).forEach(([price, size], i) => {
        const amount = Number(size) * scale;
        rows.push(
          seriesRow(series, {
            ts,
            side,
            level: i + 1,
            price: Number(price),
            percentage: null,
            amount,
            notional: Number(price) * amount,
          }),
        );
      });
    }
    return rows;
  };
}
