import { inForceAt, quoteSqlString, type Dated } from "@cexdata/schema";
import {
  type ArchiveDataset,
  type ArchiveSymbol,
  type ArchiveTable,
  type ArchiveVenue,
  marketOf,
} from "./plan.js";

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

/** bookDepth (binance-public-data issues #381, #431, #447): `2025-05-19 11:07:31,-5,7885.275,647368074.3692`. */
const BOOK_DEPTH_COLUMNS = [
  ["timestamp", "TIMESTAMP"],
  ["percentage", "DOUBLE"],
  ["depth", "DOUBLE"],
  ["notional", "DOUBLE"],
] as const;

const klines = (id: string, header: boolean, timeUnit: "ms" | "us"): CsvFormat => ({
  id,
  columns: KLINE_COLUMNS,
  header,
  timeUnit,
});
export const SPOT_KLINES_MS = klines("spot-klines-ms", false, "ms");
export const SPOT_KLINES_US = klines("spot-klines-us", false, "us");
export const FUTURES_KLINES_BARE = klines("futures-klines-no-header", false, "ms");
export const FUTURES_KLINES_HEADER = klines("futures-klines-header", true, "ms");
export const FUNDING_RATE: CsvFormat = {
  id: "funding-rate",
  columns: FUNDING_COLUMNS,
  header: true,
  timeUnit: "ms",
};
export const METRICS: CsvFormat = { id: "metrics", columns: METRICS_COLUMNS, header: true, timeUnit: "ms" };
export const BOOK_DEPTH: CsvFormat = {
  id: "book-depth",
  columns: BOOK_DEPTH_COLUMNS,
  header: true,
  timeUnit: "ms",
};

/** Kline layouts by the date a file starts: the changes Binance made, as data. */
const KLINE_FORMATS: Readonly<Record<"spot" | "futures", Dated<CsvFormat>>> = {
  spot: [{ until: SPOT_MICROSECONDS_FROM_MS, use: SPOT_KLINES_MS }, { use: SPOT_KLINES_US }],
  futures: [
    { until: FUTURES_KLINE_HEADER_FROM_MS, use: FUTURES_KLINES_BARE },
    { use: FUTURES_KLINES_HEADER },
  ],
};

/** The format of the file of `venue`/`dataset` whose period starts at `fileStartMs`. */
export function csvFormatFor(venue: ArchiveVenue, dataset: ArchiveDataset, fileStartMs: number): CsvFormat {
  if (dataset.kind === "fundingRate") return FUNDING_RATE;
  if (dataset.kind === "metrics") return METRICS;
  if (dataset.kind === "bookDepth") return BOOK_DEPTH;
  // Mark/index/premium klines: the futures kline layout and, assumed, its header rule (no file of
  // these datasets from before 2022-05 was found to check).
  return inForceAt(KLINE_FORMATS[venue === "spot" ? "spot" : "futures"], fileStartMs);
}

/** `read_csv(...)` of files sharing one format, with its explicit columns and types: nothing is sniffed. */
export function readCsvSql(csvPaths: readonly string[], format: CsvFormat): string {
  const columns = format.columns
    .map(([name, type]) => `${quoteSqlString(name)}: ${quoteSqlString(type)}`)
    .join(", ");
  const files = `[${csvPaths.map(quoteSqlString).join(", ")}]`;
  return (
    `read_csv(${files}, columns = {${columns}}, header = ${format.header}, delim = ',', quote = '"', ` +
    `auto_detect = false, timestampformat = '%Y-%m-%d %H:%M:%S')`
  );
}

/** Epoch milliseconds of a time column in the file's unit. */
function msOf(column: string, format: CsvFormat): string {
  return format.timeUnit === "us" ? `(${column} // 1000)` : column;
}

/**
 * SELECT of the schema's columns from archive CSVs (ts as epoch-ms BIGINT), restricted to `range`
 * ([startMs, endMs)), the series' names as literals: no parameters.
 */
export function archiveRowsSql(
  table: ArchiveTable,
  symbol: ArchiveSymbol,
  format: CsvFormat,
  csvPaths: readonly string[],
  range: { readonly startMs: number; readonly endMs: number },
): string {
  const from = readCsvSql(csvPaths, format);
  const v = {
    symbol: quoteSqlString(symbol.symbol),
    base: quoteSqlString(symbol.base),
    quote: quoteSqlString(symbol.quote),
    startMs: `${range.startMs}::BIGINT`,
    endMs: `${range.endMs}::BIGINT`,
  };
  const ident = `'binance' AS exchange`;
  if (table === "funding_rates") {
    return `SELECT ${ident}, ${v.symbol} AS symbol, calc_time AS ts, ${v.base} AS base, ${v.quote} AS quote,
      last_funding_rate AS funding_rate, CAST(NULL AS DOUBLE) AS mark_price, funding_interval_hours AS interval_hours
      FROM ${from} WHERE calc_time >= ${v.startMs} AND calc_time < ${v.endMs}`;
  }
  if (table === "book_depth") {
    // A snapshot about every 30 s; the dataset keeps each minute's first, stamped with its minute.
    // Levels count out from the mid per side, so bands finer than 1 % (Binance added ±0.2 % in
    // 2026) keep their own rows.
    return `SELECT ${ident}, 'perp' AS market, ${v.symbol} AS symbol, epoch_ms(date_trunc('minute', timestamp)) AS ts,
      CASE WHEN percentage < 0 THEN 'bid' ELSE 'ask' END AS side,
      CAST(dense_rank() OVER (PARTITION BY timestamp, percentage < 0 ORDER BY abs(percentage)) AS INTEGER) AS level,
      ${v.base} AS base, ${v.quote} AS quote, CAST(NULL AS DOUBLE) AS price, percentage, depth AS amount, notional
      FROM ${from}
      WHERE epoch_ms(timestamp) >= ${v.startMs} AND epoch_ms(timestamp) < ${v.endMs}
      QUALIFY min(timestamp) OVER (PARTITION BY date_trunc('minute', timestamp)) = timestamp`;
  }
  if (table === "open_interest") {
    // 5-minute snapshots; the dataset keeps the one taken on the hour (never a shifted neighbour).
    return `SELECT ${ident}, ${v.symbol} AS symbol, epoch_ms(create_time) AS ts, ${v.base} AS base, ${v.quote} AS quote,
      sum_open_interest AS open_interest, sum_open_interest_value AS open_interest_value
      FROM ${from} WHERE create_time = date_trunc('hour', create_time)
        AND epoch_ms(create_time) >= ${v.startMs} AND epoch_ms(create_time) < ${v.endMs}`;
  }
  if (table === "long_short_ratios") {
    // binance-public-data's names: count_toptrader = top traders' accounts, sum_toptrader = their
    // positions, count_long_short = all accounts, sum_taker = taker buy / sell volume. The
    // on-the-hour 5-minute row, as for open interest.
    return `SELECT ${ident}, ${v.symbol} AS symbol, epoch_ms(create_time) AS ts, ${v.base} AS base, ${v.quote} AS quote,
      count_toptrader_long_short_ratio AS top_trader_account_ratio,
      sum_toptrader_long_short_ratio AS top_trader_position_ratio,
      count_long_short_ratio AS global_account_ratio,
      sum_taker_long_short_vol_ratio AS taker_buy_sell_ratio
      FROM ${from} WHERE create_time = date_trunc('hour', create_time)
        AND epoch_ms(create_time) >= ${v.startMs} AND epoch_ms(create_time) < ${v.endMs}`;
  }
  const ts = msOf("open_time", format);
  if (table === "mark_ohlcv_1h" || table === "index_ohlcv_1h" || table === "premium_index_ohlcv_1h") {
    return `SELECT ${ident}, ${v.symbol} AS symbol, ${ts} AS ts, ${v.base} AS base, ${v.quote} AS quote,
      open, high, low, close
      FROM ${from} WHERE ${ts} >= ${v.startMs} AND ${ts} < ${v.endMs}`;
  }
  // COIN-M: `volume` counts contracts and the 8th column is the base volume; no quote volume is
  // given. The taker-buy pair follows the same layout (contracts, then base).
  const nothing = "CAST(NULL AS DOUBLE)";
  const [volume, quoteVolume, takerBuy, takerBuyQuote] =
    symbol.venue === "cm"
      ? ["quote_volume", nothing, "taker_buy_quote_volume", nothing]
      : ["volume", "quote_volume", "taker_buy_volume", "taker_buy_quote_volume"];
  return `SELECT ${ident}, ${quoteSqlString(marketOf(symbol.venue))} AS market, ${v.symbol} AS symbol, ${ts} AS ts,
    ${v.base} AS base, ${v.quote} AS quote, open, high, low, close, ${volume} AS volume, ${quoteVolume} AS quote_volume,
    count AS trades, ${takerBuy} AS taker_buy_volume, ${takerBuyQuote} AS taker_buy_quote_volume
    FROM ${from} WHERE ${ts} >= ${v.startMs} AND ${ts} < ${v.endMs}`;
}
