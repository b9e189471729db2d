/** The intervals live candles are built for, and their length. */
export const LIVE_INTERVALS = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000 } as const;
export type LiveInterval = keyof typeof LIVE_INTERVALS;

/**
 * Each interval's bucket of an event of (exchange, symbol), with the state `states` holds for that
 * series and interval under `key`. An event older than the state's bucket is late: it is skipped.
 */
export function forEachLiveBucket<S extends { readonly ts: number }>(
  intervals: readonly LiveInterval[],
  event: { readonly exchange: string; readonly symbol: string; readonly ts: number },
  states: ReadonlyMap<string, S>,
  visit: (interval: LiveInterval, bucket: number, key: string, state: S | undefined) => void,
): void {
  for (const interval of intervals) {
    const ms = LIVE_INTERVALS[interval];
    const bucket = Math.floor(event.ts / ms) * ms;
    const key = `${event.exchange}|${event.symbol}|${interval}`;
    const state = states.get(key);
    if (state && bucket < state.ts) continue;
    visit(interval, bucket, key, state);
  }
}

export interface LiveCandle {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: LiveInterval;
  /** Open time, ms. */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base units. */
  readonly volume: number;
  readonly trades: number;
}

interface Forming {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
}

/**
 * Candles from a trade stream: one forming candle per (exchange, symbol, interval); a trade stamped in
 * a later bucket closes it. Only closed candles are handed on, as the dataset only stores closed ones.
 * Trades arriving late for a closed bucket are not folded back in (the stored candles are the record).
 */
export class CandleBuilder {
  private readonly forming = new Map<string, Forming>();

  constructor(
    private readonly intervals: readonly LiveInterval[],
    private readonly onClose: (candle: LiveCandle) => void,
  ) {}

  addTrade(t: { exchange: string; symbol: string; ts: number; price: number; amount: number }): void {
    forEachLiveBucket(this.intervals, t, this.forming, (interval, bucket, key, c) => {
      if (c && bucket > c.ts) this.onClose({ exchange: t.exchange, symbol: t.symbol, interval, ...c });
      if (!c || bucket > c.ts) {
        this.forming.set(key, {
          ts: bucket,
          open: t.price,
          high: t.price,
          low: t.price,
          close: t.price,
          volume: t.amount,
          trades: 1,
        });
        return;
      }
      c.high = Math.max(c.high, t.price);
      c.low = Math.min(c.low, t.price);
      c.close = t.price;
      c.volume += t.amount;
      c.trades++;
    });
  }
}
