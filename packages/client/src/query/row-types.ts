import type { ClientRow, Interval, Market, TableName } from "@cexdata/schema";
import type { TimeInput } from "./normalize-args.js";

/** One candle: `ts` is its open time (a Date, UTC); numbers are numbers; `trades` may be null. */
export type Candle = ClientRow<"ohlcv_1m">;
export type FundingRate = ClientRow<"funding_rates">;
export type OpenInterest = ClientRow<"open_interest">;
export type Liquidation = ClientRow<"liquidations">;
/** A market (spot or perpetual) of an exchange, from `exchange_info`. */
export type MarketInfo = ClientRow<"exchange_info">;
export type TokenInfo = ClientRow<"token_info">;
/** A mark, index or premium-index candle of a perpetual (the premium index is a signed fraction). */
export type PriceCandle = ClientRow<"mark_ohlcv_1h">;
/** Long/short ratios at the top of an hour; a ratio the exchange does not publish is null. */
export type LongShortRatio = ClientRow<"long_short_ratios">;

/** The basis of a perpetual at the end of a bucket: against its index and against spot. */
export interface BasisRow {
  exchange: string;
  /** The perpetual's symbol. */
  symbol: string;
  /** Open time of the bucket; the closes are those of its last stored hour. */
  ts: Date;
  base: string;
  quote: string;
  perpClose: number;
  /** Null where the index candle of that hour is not stored. */
  indexClose: number | null;
  /** Null where the exchange's spot market of the pair is not stored. */
  spotClose: number | null;
  /** perpClose / indexClose - 1 (0.001 = the contract 0.1% above its index). */
  basisIndex: number | null;
  /** basisIndex x 3 x 365: as a funding rate paid every 8 hours, per year. */
  basisIndexAnnualised: number | null;
  basisSpot: number | null;
  basisSpotAnnualised: number | null;
}
/** One series' coverage of one UTC day, from `coverage`. */
export type Coverage = ClientRow<"coverage">;
/** One level (or percentage band) of one order book snapshot, from `book_depth`. */
export type BookDepth = ClientRow<"book_depth">;

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

export interface PriceCandleOptions extends SeriesOptions {
  /** 1h (stored) or 4h, 12h, 1d, 1w (built from the hours). Default 1h. */
  interval?: Interval;
  /** Include the last, still incomplete bucket. Default false. */
  partial?: boolean;
}

export interface BasisOptions extends SeriesOptions {
  /** 1h, 4h, 12h, 1d or 1w: the closes of each bucket's last hour. Default 1h. */
  interval?: Interval;
}

export interface OhlcvOptions extends SeriesOptions {
  /** 1m, 1h, 1d (stored) or 5m, 15m, 30m, 4h, 12h, 1w (resampled). Default 1d. */
  interval?: Interval;
  /** `spot` (default) or `perp`. */
  market?: Market;
  /** Include the last, still incomplete bucket of a resampled interval. Default false. */
  partial?: boolean;
}

/** What `Tokens.universe` asks: the moment, and optionally one exchange, market type or quote. */
export interface UniverseOptions {
  /** The moment (Date, ISO-8601 string read as UTC, or epoch ms). */
  at: TimeInput;
  exchange?: string;
  market?: Market;
  quote?: string;
}

export interface CoverageOptions {
  /** The series' table; default `ohlcv_1m`. */
  table?: TableName;
  /** One exchange; default every exchange with coverage of the token. */
  exchange?: string;
  /** First day (inclusive) and end (exclusive), as for the series methods. */
  start?: TimeInput;
  end?: TimeInput;
}

export interface BookDepthOptions extends SeriesOptions {
  /** `perp` (default: Binance's archive holds perpetuals) or `spot`. */
  market?: Market;
}
