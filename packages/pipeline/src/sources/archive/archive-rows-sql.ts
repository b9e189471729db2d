import type { BinanceArchivedTable } from "../../exchanges/binance.js";
import type { CsvFormat } from "./csv-formats.js";
import type { ArchiveSymbol } from "./archive-symbol.js";
import { marketOf } from "./archive-symbol.js";

/** The dataset tables the archive fills (Binance's file says which). */
export type ArchiveTable = BinanceArchivedTable;

/** A path inlined into SQL (our own temp files only), quoted as a string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `read_csv(...)` of files sharing one format, with its explicit columns and types: nothing is sniffed. */
export function readCsvSql(csvPaths: readonly string[], format: CsvFormat): string {
  const columns = format.columns.map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(", ");
  const files = `[${csvPaths.map(sqlString).join(", ")}]`;
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
 * SELECT of the schema's columns from archive CSVs (ts as epoch-ms BIGINT), restricted to
 * [$start_ms, $end_ms). Parameters: $symbol, $base, $quote, $start_ms, $end_ms.
 */
export function archiveRowsSql(
  table: ArchiveTable,
  symbol: ArchiveSymbol,
  format: CsvFormat,
  csvPaths: readonly string[],
): string {
  const from = readCsvSql(csvPaths, format);
  const ident = `'binance' AS exchange`;
  if (table === "funding_rates") {
    return `SELECT ${ident}, $symbol AS symbol, calc_time AS ts, $base AS base, $quote AS quote,
      last_funding_rate AS funding_rate, CAST(NULL AS DOUBLE) AS mark_price, funding_interval_hours AS interval_hours
      FROM ${from} WHERE calc_time >= $start_ms AND calc_time < $end_ms`;
  }
  if (table === "open_interest") {
    // 5-minute snapshots; the dataset keeps the one taken on the hour (never a shifted neighbour).
    return `SELECT ${ident}, $symbol AS symbol, epoch_ms(create_time) AS ts, $base AS base, $quote AS quote,
      sum_open_interest AS open_interest, sum_open_interest_value AS open_interest_value
      FROM ${from} WHERE create_time = date_trunc('hour', create_time)
        AND epoch_ms(create_time) >= $start_ms AND epoch_ms(create_time) < $end_ms`;
  }
  const ts = msOf("open_time", format);
  // COIN-M: `volume` counts contracts and the 8th column is the base volume; no quote volume is given.
  const [volume, quoteVolume] =
    symbol.venue === "cm" ? ["quote_volume", "CAST(NULL AS DOUBLE)"] : ["volume", "quote_volume"];
  return `SELECT ${ident}, ${sqlString(marketOf(symbol.venue))} AS market, $symbol AS symbol, ${ts} AS ts,
    $base AS base, $quote AS quote, open, high, low, close, ${volume} AS volume, ${quoteVolume} AS quote_volume,
    count AS trades
    FROM ${from} WHERE ${ts} >= $start_ms AND ${ts} < $end_ms`;
}
