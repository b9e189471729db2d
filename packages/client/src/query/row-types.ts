import type { ClientRow, Interval, Market } from "@cexdata/schema";
import type { TimeInput } from "./normalize-args.js";

/** One candle: `ts` is its open time (a Date, UTC); numbers are numbers; `trades` may be null. */
export type Candle = ClientRow<"ohlcv_1m">;
export type FundingRate = ClientRow<"funding_rates">;
export type OpenInterest = ClientRow<"open_interest">;
export type Liquidation = ClientRow<"liquidations">;
/** A market (spot or perpetual) of an exchange, from `exchange_info`. */
export type MarketInfo = ClientRow<"exchange_info">;
export type TokenInfo = ClientRow<"token_info">;

/** Options every time series method takes. */
export interface SeriesOptions {
  /** Exchange id; default: the first of binance, okx, bybit, coinbase that lists the token. */
  exchange?: string;
  /** Quote asset; default USDT (USD on coinbase). */
  quote?: string;
  /** Inclusive start (Date, ISO-8601 string read as UTC, or epoch ms). */
  start?: TimeInput;
  /** Exclusive end. */
  end?: TimeInput;
  /** Keep only the most recent `limit` rows of each series. */
  limit?: number;
}

export interface OhlcvOptions extends SeriesOptions {
  /** 1m, 1h, 1d (stored) or 5m, 15m, 30m, 4h, 12h, 1w (resampled). Default 1d. */
  interval?: Interval;
  /** `spot` (default) or `perp`. */
  market?: Market;
  /** Include the last, still incomplete bucket of a resampled interval. Default false. */
  partial?: boolean;
}
