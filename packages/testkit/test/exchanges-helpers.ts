import ccxt, { type Exchange } from "ccxt";
import { applyExchangeUrlOverride } from "../../pipeline/src/exchanges/url-override.js";
import type { ExchangeSimulator } from "../src/exchanges/index.js";

/** A real ccxt exchange pointed at the simulator through the pipeline's URL override. */
export function connect(
  sim: ExchangeSimulator,
  id: "binance" | "okx" | "bybit" | "coinbase",
  options: Record<string, unknown> = {},
): Exchange {
  const ExchangeClass = { binance: ccxt.binance, okx: ccxt.okx, bybit: ccxt.bybit, coinbase: ccxt.coinbase }[
    id
  ];
  const exchange = new ExchangeClass({ enableRateLimit: true, timeout: 5_000, ...options });
  applyExchangeUrlOverride(exchange, sim.env());
  return exchange;
}

/** Retries on ccxt NetworkError (429, 5xx, timeouts), waiting what the server asked for. */
export async function withRetries<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ccxt.NetworkError) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Pages a ccxt method forward by `since` until `endMs`, as the pipeline does. */
export async function pageOhlcv(
  exchange: Exchange,
  symbol: string,
  timeframe: string,
  sinceMs: number,
  endMs: number,
  limit: number,
): Promise<number[][]> {
  const rows: number[][] = [];
  let since = sinceMs;
  while (since < endMs) {
    const page = (await withRetries(() =>
      exchange.fetchOHLCV(symbol, timeframe, since, limit),
    )) as number[][];
    const fresh = page.filter((r) => (r[0] ?? 0) >= since && (r[0] ?? 0) < endMs);
    if (fresh.length === 0) break;
    rows.push(...fresh);
    since = (fresh[fresh.length - 1]?.[0] ?? endMs) + 1;
  }
  return rows;
}
