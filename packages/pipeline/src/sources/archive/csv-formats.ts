import type { ArchiveDataset } from "./archive-files.js";
import type { ArchiveVenue } from "./archive-symbol.js";

/**
 * The CSV layouts of data.binance.vision, chosen BY THE DATE of the file, as Binance changed them:
 * never guessed from a row. Column lists are Binance's (README of binance/binance-public-data and
 * the header rows of the files themselves); DuckDB reads them with these explicit types.
 */
export interface CsvFormat {
  /** A name for reports and errors. */
  readonly id: string;
  readonly columns: readonly (readonly [name: string, duckdbType: string])[];
  /** Whether the first line is a header row to skip. */
  readonly header: boolean;
  /** Unit of the time columns: spot files from 2025-01-01 carry microseconds. */
  readonly timeUnit: "ms" | "us";
}

/** Spot kline timestamps are microseconds in files from this day on (README: "from January 1st 2025"). */
export const SPOT_MICROSECONDS_FROM_MS = Date.UTC(2025, 0, 1);
/**
 * Futures kline files carry a header row from this period on; earlier ones have none
 * (binance-public-data issue #246: "until 2022-05-01 [files] are missing the header row").
 */
export const FUTURES_KLINE_HEADER_FROM_MS = Date.UTC(2022, 4, 1);

const KLINE_COLUMNS = [
  ["open_time", "BIGINT"],
  ["open", "DOUBLE"],
  ["high", "DOUBLE"],
  ["low", "DOUBLE"],
  ["close", "DOUBLE"],
  ["volume", "DOUBLE"],
  ["close_time", "BIGINT"],
  // Quote asset volume (spot, USDⓈ-M); base asset volume on COIN-M, where `volume` counts contracts.
  ["quote_volume", "DOUBLE"],
  ["count", "BIGINT"],
  ["taker_buy_volume", "DOUBLE"],
  ["taker_buy_quote_volume", "DOUBLE"],
  ["ignore", "VARCHAR"],
] as const;

const FUNDING_COLUMNS = [
  ["calc_time", "BIGINT"],
  ["funding_interval_hours", "DOUBLE"],
  ["last_funding_rate", "DOUBLE"],
] as const;

const METRICS_COLUMNS = [
  ["create_time", "TIMESTAMP"],
  ["symbol", "VARCHAR"],
  ["sum_open_interest", "DOUBLE"],
  ["sum_open_interest_value", "DOUBLE"],
  ["count_toptrader_long_short_ratio", "DOUBLE"],
  ["sum_toptrader_long_short_ratio", "DOUBLE"],
  ["count_long_short_ratio", "DOUBLE"],
  ["sum_taker_long_short_vol_ratio", "DOUBLE"],
] as const;

export const SPOT_KLINES_MS: CsvFormat = {
  id: "spot-klines-ms",
  columns: KLINE_COLUMNS,
  header: false,
  timeUnit: "ms",
};
export const SPOT_KLINES_US: CsvFormat = {
  id: "spot-klines-us",
  columns: KLINE_COLUMNS,
  header: false,
  timeUnit: "us",
};
export const FUTURES_KLINES_BARE: CsvFormat = {
  id: "futures-klines-no-header",
  columns: KLINE_COLUMNS,
  header: false,
  timeUnit: "ms",
};
export const FUTURES_KLINES_HEADER: CsvFormat = {
  id: "futures-klines-header",
  columns: KLINE_COLUMNS,
  header: true,
  timeUnit: "ms",
};
export const FUNDING_RATE: CsvFormat = {
  id: "funding-rate",
  columns: FUNDING_COLUMNS,
  header: true,
  timeUnit: "ms",
};
export const METRICS: CsvFormat = { id: "metrics", columns: METRICS_COLUMNS, header: true, timeUnit: "ms" };

/** The format of the file of `venue`/`dataset` whose period starts at `fileStartMs`. */
export function csvFormatFor(venue: ArchiveVenue, dataset: ArchiveDataset, fileStartMs: number): CsvFormat {
  if (dataset.kind === "fundingRate") return FUNDING_RATE;
  if (dataset.kind === "metrics") return METRICS;
  // Mark/index/premium klines: the futures kline layout and, assumed, its header rule (no file of
  // these datasets from before 2022-05 was found to check).
  if (venue === "spot") return fileStartMs >= SPOT_MICROSECONDS_FROM_MS ? SPOT_KLINES_US : SPOT_KLINES_MS;
  return fileStartMs >= FUTURES_KLINE_HEADER_FROM_MS ? FUTURES_KLINES_HEADER : FUTURES_KLINES_BARE;
}
