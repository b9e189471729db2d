import { bucketStart, INTERVAL_INFO, type Interval, type Row } from "@cexdata/schema";

type Candle = Row<"ohlcv_1m">;

/** A deterministic random walk of closed candles, valid under the contract's rules. */
export function makeCandles(params: {
  exchange: string;
  symbol: string;
  market?: "spot" | "perp";
  startMs: number;
  count: number;
  intervalMs: number;
  seed?: number;
  price?: number;
}): Candle[] {
  const [base, rest] = params.symbol.split("/") as [string, string];
  const quote = rest.split(":")[0]!;
  let seed = params.seed ?? 1;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  let price = params.price ?? 100;
  const rows: Candle[] = [];
  for (let i = 0; i < params.count; i++) {
    const open = price;
    const close = Math.max(0.01, round(open * (1 + (random() - 0.5) * 0.01)));
    const high = round(Math.max(open, close) * (1 + random() * 0.002));
    const low = round(Math.min(open, close) * (1 - random() * 0.002));
    const volume = round(random() * 10);
    rows.push({
      exchange: params.exchange,
      market: params.market ?? "spot",
      symbol: params.symbol,
      ts: params.startMs + i * params.intervalMs,
      base,
      quote,
      open,
      high,
      low,
      close,
      volume,
      quote_volume: round(volume * close),
      trades: Math.floor(random() * 100),
      taker_buy_volume: round(volume * 0.45),
      taker_buy_quote_volume: round(volume * 0.45 * close),
    });
    price = close;
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * The independent reference for resampling, in plain TS: buckets of `interval` from finer candles,
 * open of the first, max high, min low, close of the last, volumes and trades summed; only buckets
 * the series reaches the end of, unless `partial`.
 */
export function resampleCandles(
  rows: readonly Candle[],
  interval: Interval,
  sourceMs: number,
  partial = false,
) {
  const { ms } = INTERVAL_INFO[interval];
  const sorted = [...rows].sort((a, b) => a.ts - b.ts);
  const lastEnd = (sorted.at(-1)?.ts ?? 0) + sourceMs;
  const buckets = new Map<number, Candle[]>();
  for (const row of sorted) {
    const key = bucketStart(row.ts, interval);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(row);
    else buckets.set(key, [row]);
  }
  return [...buckets]
    .filter(([start]) => partial || start + ms <= lastEnd)
    .map(([start, group]) => ({
      exchange: group[0]!.exchange,
      market: group[0]!.market,
      symbol: group[0]!.symbol,
      ts: new Date(start),
      base: group[0]!.base,
      quote: group[0]!.quote,
      open: group[0]!.open,
      high: Math.max(...group.map((r) => r.high)),
      low: Math.min(...group.map((r) => r.low)),
      close: group.at(-1)!.close,
      volume: sum(group.map((r) => r.volume)),
      quoteVolume: sum(group.map((r) => r.quote_volume ?? 0)),
      trades: sum(group.map((r) => r.trades ?? 0)),
      takerBuyVolume: sum(group.map((r) => r.taker_buy_volume ?? 0)),
      takerBuyQuoteVolume: sum(group.map((r) => r.taker_buy_quote_volume ?? 0)),
    }));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Stored candles as the client returns them (camelCase, Date). */
export function toClientCandle(row: Candle) {
  const { quote_volume, taker_buy_volume, taker_buy_quote_volume, ...rest } = row;
  return {
    ...rest,
    ts: new Date(row.ts),
    quoteVolume: quote_volume,
    takerBuyVolume: taker_buy_volume,
    takerBuyQuoteVolume: taker_buy_quote_volume,
  };
}
