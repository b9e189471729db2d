import { createProExchange } from "@cexdata/pipeline";
import type { Exchange } from "ccxt";
import type { Logger } from "pino";
import { loadUsdtPerpetuals, runWatchLoop } from "./watch-loop.js";

/**
 * Open interest as it changes, from Bybit's linear `tickers.<SYMBOL>` stream (the one public
 * websocket of the three that carries open interest: Binance and OKX only serve it over REST).
 */
export async function watchOpenInterest(p: {
  readonly bases: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly onSample: (s: { exchange: string; symbol: string; ts: number; openInterest: number }) => void;
}): Promise<Exchange> {
  const exchange = await createProExchange("bybit", p.env);
  const loop = async () => {
    const { symbols } = await loadUsdtPerpetuals(exchange, p);
    await Promise.all(
      symbols.map((symbol) =>
        runWatchLoop({
          what: { exchange: "bybit", stream: "tickers", symbol },
          watch: () => exchange.watchTicker(symbol),
          onBatch: (ticker) => {
            const oi = Number((ticker.info as Record<string, unknown> | undefined)?.openInterest);
            if (Number.isFinite(oi) && typeof ticker.timestamp === "number") {
              p.onSample({ exchange: "bybit", symbol, ts: ticker.timestamp, openInterest: oi });
            }
          },
          logger: p.logger,
          signal: p.signal,
        }),
      ),
    );
  };
  void loop();
  return exchange;
}
