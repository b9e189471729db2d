import { z } from "zod";

/** The exchanges cexdata publishes, in the order the client picks a default from. */
export const CORE_EXCHANGES = ["binance", "okx", "bybit", "coinbase"] as const;
export type CoreExchange = (typeof CORE_EXCHANGES)[number];

/**
 * Any ccxt exchange id. The four core exchanges have dedicated adapters; any other id named in a
 * pipeline config goes through the generic ccxt adapter, so the column is not a closed enum.
 */
export const exchangeIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,31}$/, "an exchange id is a lower-case ccxt id such as 'binance'");
export type ExchangeId = z.infer<typeof exchangeIdSchema>;

/** `spot`, or `perp` for a linear (USDT/USDC-margined) perpetual swap. */
export const MARKETS = ["spot", "perp"] as const;
export const marketSchema = z.enum(MARKETS);
export type Market = z.infer<typeof marketSchema>;

/** A base or quote asset as stored: upper-case letters and digits, as ccxt unifies them. */
export const assetSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9._-]{0,31}$/, "an asset is upper-case letters and digits, such as 'BTC'");

/**
 * A ccxt unified symbol: `BTC/USDT` for spot, `BTC/USDT:USDT` for a USDT-margined perpetual.
 * Only these characters are accepted, which also keeps hostile strings out of every later stage.
 */
export const symbolSchema = z
  .string()
  .regex(
    /^[A-Z0-9][A-Z0-9._-]{0,31}\/[A-Z0-9][A-Z0-9._-]{0,31}(:[A-Z0-9][A-Z0-9._-]{0,31})?$/,
    "a symbol is a ccxt unified symbol such as 'BTC/USDT' or 'BTC/USDT:USDT'",
  );

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** An hour in milliseconds: the 1h interval, the step of every hourly series. */
export const HOUR_MS = HOUR;

/** Intervals stored in the dataset. Only closed candles of these are ever written. */
export const NATIVE_INTERVALS = ["1m", "1h", "1d"] as const;
export type NativeInterval = (typeof NATIVE_INTERVALS)[number];

/** Intervals the client derives from the finest stored interval that divides them. */
export const RESAMPLED_INTERVALS = ["5m", "15m", "30m", "4h", "12h", "1w"] as const;
export type ResampledInterval = (typeof RESAMPLED_INTERVALS)[number];

export const INTERVALS = [...NATIVE_INTERVALS, ...RESAMPLED_INTERVALS] as const;
export const intervalSchema = z.enum(INTERVALS);
export type Interval = z.infer<typeof intervalSchema>;

export interface IntervalInfo {
  readonly ms: number;
  /** Buckets start at `offsetMs + k * ms` after the epoch. Weeks start on Monday, as on Binance. */
  readonly offsetMs: number;
  /** The stored interval this one is read from (itself for a native interval). */
  readonly source: NativeInterval;
}

export const INTERVAL_INFO: Readonly<Record<Interval, IntervalInfo>> = {
  "1m": { ms: MINUTE, offsetMs: 0, source: "1m" },
  "1h": { ms: HOUR, offsetMs: 0, source: "1h" },
  "1d": { ms: DAY, offsetMs: 0, source: "1d" },
  "5m": { ms: 5 * MINUTE, offsetMs: 0, source: "1m" },
  "15m": { ms: 15 * MINUTE, offsetMs: 0, source: "1m" },
  "30m": { ms: 30 * MINUTE, offsetMs: 0, source: "1m" },
  "4h": { ms: 4 * HOUR, offsetMs: 0, source: "1h" },
  "12h": { ms: 12 * HOUR, offsetMs: 0, source: "1h" },
  // 1970-01-01 was a Thursday; the first Monday is four days later.
  "1w": { ms: 7 * DAY, offsetMs: 4 * DAY, source: "1d" },
};

export function isNativeInterval(interval: string): interval is NativeInterval {
  return (NATIVE_INTERVALS as readonly string[]).includes(interval);
}

/** The open time of the bucket of `interval` that contains `tsMs`. */
export function bucketStart(tsMs: number, interval: Interval): number {
  const { ms, offsetMs } = INTERVAL_INFO[interval];
  return Math.floor((tsMs - offsetMs) / ms) * ms + offsetMs;
}
