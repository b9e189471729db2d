import type { ClientRow } from "@cexdata/schema";

const DAY = 86_400_000;

/** A deterministic pseudo-random generator (mulberry32), so test series are the same on every run. */
export function createRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily candles of a random walk, shaped exactly as `Token.ohlcv` returns them. */
export function generateCandles(
  count: number,
  options: { seed?: number; start?: number; stepMs?: number; symbol?: string; market?: "spot" | "perp" } = {},
): ClientRow<"ohlcv_1d">[] {
  const random = createRandom(options.seed ?? 7);
  const start = options.start ?? Date.UTC(2024, 0, 1);
  const step = options.stepMs ?? DAY;
  const symbol = options.symbol ?? "BTC/USDT";
  let price = 40_000;
  return Array.from({ length: count }, (_, i) => {
    const open = price;
    const close = open * (1 + (random() - 0.48) * 0.06);
    const high = Math.max(open, close) * (1 + random() * 0.02);
    const low = Math.min(open, close) * (1 - random() * 0.02);
    const volume = 1000 * (0.5 + random() * (random() < 0.05 ? 8 : 1.5));
    price = close;
    return {
      exchange: "binance",
      market: options.market ?? "spot",
      symbol,
      ts: new Date(start + i * step),
      base: symbol.split("/")[0] ?? "BTC",
      quote: "USDT",
      open,
      high,
      low,
      close,
      volume,
      quoteVolume: volume * close,
      trades: 100 + i,
      takerBuyVolume: null,
      takerBuyQuoteVolume: null,
    };
  });
}
