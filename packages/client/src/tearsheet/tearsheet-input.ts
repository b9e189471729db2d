import type { ClientRow, Interval } from "@cexdata/schema";
import type { CandleFields } from "../analytics/index.js";
import type { TearsheetCoverageDay } from "./coverage-strip.js";

/** Where the numbers came from: printed on the sheet so a reader can reproduce it. */
export interface TearsheetProvenance {
  /** spec.json `version` of the dataset the data was read from. */
  readonly datasetVersion: number | string;
  /** spec.json `update_time` (ISO-8601 UTC) or the same as a Date. */
  readonly updateTime: string | Date;
  /** Exchanges the series come from (the candles' and the perp's). */
  readonly exchanges: readonly string[];
  /** ccxt unified symbol of the candles, e.g. `BTC/USDT`. */
  readonly symbol: string;
  /** Candle interval; also sets the annualisation (periods per 365-day year). */
  readonly interval: Interval;
  /** Dataset location and revision, e.g. `hf://datasets/cexdata/cexdata@main` (optional). */
  readonly dataset?: string;
  /** Symbol of the perpetual the funding and open interest belong to, e.g. `BTC/USDT:USDT` (optional). */
  readonly perpSymbol?: string;
}

export type TearsheetFundingRow = Pick<ClientRow<"funding_rates">, "ts" | "fundingRate" | "intervalHours">;
export type TearsheetOpenInterestRow = Pick<ClientRow<"open_interest">, "ts" | "openInterest">;
export interface TearsheetBasisRow {
  readonly ts: Date;
  readonly basisIndex: number | null;
  readonly basisSpot: number | null;
}
export type TearsheetLongShortRow = Pick<
  ClientRow<"long_short_ratios">,
  "ts" | "topTraderAccountRatio" | "topTraderPositionRatio" | "globalAccountRatio" | "takerBuySellRatio"
>;

export interface TearsheetInput {
  /** Candles in time order, as `Token.ohlcv` returns them. At least two. */
  readonly candles: readonly CandleFields[];
  /** Funding payments of the perpetual (drawn when given and non-empty). */
  readonly fundingRates?: readonly TearsheetFundingRow[];
  /** Open-interest snapshots of the perpetual (drawn when given and non-empty). */
  readonly openInterest?: readonly TearsheetOpenInterestRow[];
  /** Basis of the perpetual against its index and spot (drawn when any value is present). */
  readonly basis?: readonly TearsheetBasisRow[];
  /** Long/short ratios of the perpetual (drawn when any value is present). */
  readonly longShortRatios?: readonly TearsheetLongShortRow[];
  /** The candles' series per UTC day from `coverage`: drawn as a strip under the candles when given. */
  readonly coverage?: readonly TearsheetCoverageDay[];
  readonly provenance: TearsheetProvenance;
  /** Heading; defaults to `<symbol> <interval>`. */
  readonly title?: string;
  /** Annual risk-free rate for Sharpe and Sortino. Default 0. */
  readonly riskFreeRate?: number;
  /** Candles in the rolling-volatility window. Default 30. */
  readonly volatilityWindow?: number;
  /** Rolling window and |z| threshold of the open-interest anomaly markers. Default 24 and 3. */
  readonly anomalyWindow?: number;
  readonly anomalyThreshold?: number;
  /** When the sheet was made (printed in the provenance). Default: now. */
  readonly generatedAt?: Date;
}
