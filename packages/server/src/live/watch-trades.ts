import { createProExchange } from "@cexdata/pipeline";
import type { Exchange, Market, Trade } from "ccxt";
import type { Logger } from "pino";
import { loadUsdtPerpetuals, runWatchLoop } from "./watch-loop.js";

/** A trade as the server hands it on: value in quote (USDT, taken as USD). */
export interface LiveTrade {
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly id: string | null;
  readonly side: "buy" | "sell" | null;
  readonly price: number;
  /** Base units (contracts times contract size). */
  readonly amount: number;
  readonly valueUsd: number;
}

export function toLiveTrade(exchange: string, t: Trade, market: Market | undefined): LiveTrade | null {
  if (typeof t.price !== "number" || typeof t.amount !== "number" || typeof t.timestamp !== "number")
    return null;
  // ccxt gives contracts for contract markets (OKX BTC-USDT-SWAP: 0.01 BTC each).
  const amount = t.amount * (market?.contract ? (market.contractSize ?? 1) : 1);
  return {
    exchange,
    symbol: String(t.symbol),
    ts: t.timestamp,
    id: t.id ?? null,
    side: t.side === "buy" || t.side === "sell" ? t.side : null,
    price: t.price,
    amount,
    valueUsd: t.price * amount,
  };
}

/** Watches the USDT perpetuals of `bases` on one exchange through ccxt.pro until `signal` aborts. */
export async function watchTrades(p: {
  readonly exchangeId: string;
  readonly bases: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly onTrade: (trade: LiveTrade) => void;
}): Promise<Exchange> {
  const exchange = await createProExchange(p.exchangeId, p.env);
  const loop = async () => {
    const { markets, symbols } = await loadUsdtPerpetuals(exchange, p);
    if (symbols.length === 0) return;
    await runWatchLoop({
      what: { exchange: p.exchangeId, stream: "trades" },
      watch: () => exchange.watchTradesForSymbols(symbols),
      onBatch: (trades) => {
        for (const t of trades) {
          const live = toLiveTrade(p.exchangeId, t, markets[String(t.symbol)]);
          if (live) p.onTrade(live);
        }
      },
      logger: p.logger,
      signal: p.signal,
    });
  };
  void loop();
  return exchange;
}
