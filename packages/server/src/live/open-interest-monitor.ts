import type { LiveInterval } from "./candle-builder.js";
import { forEachLiveBucket } from "./candle-builder.js";

/** z-score thresholds per interval: a shorter interval is noisier, so it must move further to count. */
export const DEFAULT_SPIKE_THRESHOLDS: Readonly<Partial<Record<LiveInterval, number>>> = {
  "5m": 3.0,
  "15m": 2.5,
  "1h": 2.0,
};

export interface MonitorOptions {
  /** Past values a z-score is measured against (default 100). */
  readonly window?: number;
  /** No score until this many past values exist (default 20), so a fresh start does not cry wolf. */
  readonly minSamples?: number;
  readonly thresholds?: Readonly<Partial<Record<LiveInterval, number>>>;
}

/** An `oi_spike` event: open interest change or volume of a closed bucket far outside its recent range. */
export interface OiSpike {
  readonly exchange: string;
  readonly symbol: string;
  readonly interval: LiveInterval;
  /** Open time of the bucket, ms. */
  readonly ts: number;
  readonly kind: "open_interest" | "volume";
  /** For open_interest, the relative change over the bucket; for volume, its base volume. */
  readonly value: number;
  readonly zScore: number;
  readonly threshold: number;
}

/** A rolling window of past values and the z-score of the next one against them. */
class RollingWindow {
  private readonly values: number[] = [];
  constructor(private readonly size: number) {}

  /** The z-score of `x` against the window (before adding it), or null with too few values or no spread. */
  scoreThenAdd(x: number, minSamples: number): number | null {
    let z: number | null = null;
    const n = this.values.length;
    if (n >= minSamples) {
      const mean = this.values.reduce((a, b) => a + b, 0) / n;
      const variance = this.values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      const sd = Math.sqrt(variance);
      z = sd > 0 ? (x - mean) / sd : null;
    }
    this.values.push(x);
    if (this.values.length > this.size) this.values.shift();
    return z;
  }
}

interface OiBucket {
  ts: number;
  first: number;
  last: number;
}

/**
 * The open-interest / volume anomaly monitor. Open interest samples (from a ticker stream) are cut
 * into buckets per interval; each closed bucket's relative change is scored against the last
 * `window` changes. Closed candles' volumes are scored the same way. Past the interval's threshold
 * (|z|), an OiSpike is handed on.
 */
export class OpenInterestMonitor {
  private readonly windows = new Map<string, RollingWindow>();
  private readonly buckets = new Map<string, OiBucket>();
  private readonly size: number;
  private readonly minSamples: number;
  private readonly thresholds: Readonly<Partial<Record<LiveInterval, number>>>;

  constructor(
    private readonly onSpike: (spike: OiSpike) => void,
    options: MonitorOptions = {},
  ) {
    this.size = options.window ?? 100;
    this.minSamples = options.minSamples ?? 20;
    this.thresholds = options.thresholds ?? DEFAULT_SPIKE_THRESHOLDS;
  }

  get intervals(): LiveInterval[] {
    return Object.keys(this.thresholds) as LiveInterval[];
  }

  addOpenInterest(s: { exchange: string; symbol: string; ts: number; openInterest: number }): void {
    forEachLiveBucket(this.intervals, s, this.buckets, (interval, bucket, key, b) => {
      if (b && bucket === b.ts) {
        b.last = s.openInterest;
        return;
      }
      if (b && b.first > 0) {
        // The bucket's change runs from the previous bucket's close, so a jump at a boundary counts.
        this.score(key, { ...s, interval, ts: b.ts, kind: "open_interest" }, (b.last - b.first) / b.first);
      }
      this.buckets.set(key, { ts: bucket, first: b?.last ?? s.openInterest, last: s.openInterest });
    });
  }

  addClosedCandle(c: {
    exchange: string;
    symbol: string;
    interval: LiveInterval;
    ts: number;
    volume: number;
  }): void {
    if (this.thresholds[c.interval] === undefined) return;
    this.score(`${c.exchange}|${c.symbol}|${c.interval}|volume`, { ...c, kind: "volume" }, c.volume);
  }

  private score(
    key: string,
    at: { exchange: string; symbol: string; interval: LiveInterval; ts: number; kind: OiSpike["kind"] },
    value: number,
  ): void {
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = new RollingWindow(this.size)));
    const z = window.scoreThenAdd(value, this.minSamples);
    const threshold = this.thresholds[at.interval];
    if (z === null || threshold === undefined || Math.abs(z) < threshold) return;
    this.onSpike({
      exchange: at.exchange,
      symbol: at.symbol,
      interval: at.interval,
      ts: at.ts,
      kind: at.kind,
      value,
      zScore: z,
      threshold,
    });
  }
}
