import { computeMean, computeSampleStdDev, type Series, type TimedValue } from "./series.js";

/**
 * Rolling z-score of each value against the `window` values BEFORE it:
 * z[t] = (x[t] - mean(x[t-w..t-1])) / stddev_samp(x[t-w..t-1]).
 * The current value is left out of its own baseline, so a spike cannot dampen its own score.
 * Warm-up: `null` for the first `window` indices; `null` where the baseline is flat (zero deviation).
 */
export function computeRollingZScore(values: readonly number[], window: number): Series {
  if (!Number.isInteger(window) || window < 2)
    throw new RangeError(`window must be an integer >= 2, got ${window}`);
  return values.map((v, i) => {
    if (i < window) return null;
    const base = values.slice(i - window, i);
    const sd = computeSampleStdDev(base);
    return sd > 0 ? (v - computeMean(base)) / sd : null;
  });
}

export interface AnomalyOptions {
  /** Values in the trailing baseline. Default 24 (a day of hourly open-interest snapshots). */
  readonly window?: number;
  /** |z| at or above which a value is an anomaly. Default 3. */
  readonly threshold?: number;
  /**
   * Score the `level` itself, or its relative `change` from the previous point (x[t] / x[t-1] - 1).
   * Levels suit a series that hovers (volume); changes suit one that trends (open interest), whose
   * level would keep flagging the trend itself. Default `level`.
   */
  readonly on?: "level" | "change";
}

export interface Anomaly {
  readonly ts: Date;
  readonly value: number;
  readonly zScore: number;
  readonly direction: "up" | "down";
}

/**
 * Points whose rolling z-score (`computeRollingZScore`) reaches the threshold: open-interest
 * build-ups and flushes, volume spikes. Input in any order; it is sorted by `ts` first.
 */
export function detectAnomalies(points: readonly TimedValue[], options: AnomalyOptions = {}): Anomaly[] {
  const { window = 24, threshold = 3, on = "level" } = options;
  const sorted = [...points].sort((a, b) => a.ts.getTime() - b.ts.getTime());
  const levels = sorted.map((p) => p.value);
  // For changes, the first point has none; it is scored as 0 change and, being in the warm-up, never flagged.
  const scored =
    on === "level" ? levels : levels.map((v, i) => (i === 0 ? 0 : v / (levels[i - 1] as number) - 1));
  const z = computeRollingZScore(scored, window);
  const out: Anomaly[] = [];
  sorted.forEach((p, i) => {
    const score = z[i];
    if (score !== null && score !== undefined && Math.abs(score) >= threshold) {
      out.push({ ts: p.ts, value: p.value, zScore: score, direction: score > 0 ? "up" : "down" });
    }
  });
  return out;
}

/**
 * Open-interest anomalies: `detectAnomalies` on `openInterest` of open-interest rows, scored on the
 * relative change between snapshots by default (sudden build-ups and flushes, not the trend).
 */
export function detectOpenInterestAnomalies(
  rows: readonly { ts: Date; openInterest: number }[],
  options: AnomalyOptions = {},
): Anomaly[] {
  return detectAnomalies(
    rows.map((r) => ({ ts: r.ts, value: r.openInterest })),
    { on: "change", ...options },
  );
}

/** Volume anomalies: `detectAnomalies` on the base `volume` of candles. */
export function detectVolumeAnomalies(
  rows: readonly { ts: Date; volume: number }[],
  options: AnomalyOptions = {},
): Anomaly[] {
  return detectAnomalies(
    rows.map((r) => ({ ts: r.ts, value: r.volume })),
    options,
  );
}
