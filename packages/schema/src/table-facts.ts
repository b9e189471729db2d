import { INTERVAL_INFO, type Market, type NativeInterval } from "./enums.js";
import { TABLES, TABLE_NAMES, type TableName, type Tables } from "./tables.js";

/**
 * Lookups derived from the table definitions (TABLES, tables.ts), for the layers that ask "which tables are
 * series", "how long is a candle", "which markets". Nothing here is declared a second time: a new
 * table gets all of these from its one entry in TABLES.
 */

/** Tables of rows in time, fetched page by page (everything but snapshots). */
export type SeriesTable = {
  [N in TableName]: Tables[N]["kind"] extends "snapshot" ? never : N;
}[TableName];

/** Tables of closed candles. */
export type CandleTable = {
  [N in TableName]: Tables[N]["kind"] extends "candle-series" ? N : never;
}[TableName];

/** Tables that hold one state per key (exchange_info, token_info). */
export type SnapshotTable = Exclude<TableName, SeriesTable>;

export const SERIES_TABLES = TABLE_NAMES.filter((t) => TABLES[t].kind !== "snapshot") as SeriesTable[];
export const CANDLE_TABLES = TABLE_NAMES.filter((t) => TABLES[t].kind === "candle-series") as CandleTable[];

export function isSeriesTable(name: string): name is SeriesTable {
  return (SERIES_TABLES as readonly string[]).includes(name);
}

export function isCandleTable(name: string): name is CandleTable {
  return (CANDLE_TABLES as readonly string[]).includes(name);
}

/** The candle table that stores a native interval: `1h` -> `ohlcv_1h`. */
export const CANDLE_TABLE_BY_INTERVAL = Object.fromEntries(
  CANDLE_TABLES.map((t) => [TABLES[t].cadence, t]),
) as Readonly<Record<NativeInterval, CandleTable>>;

/** The interval of a candle table (`ohlcv_1h` -> `1h`), undefined for any other table. */
export function candleIntervalOf(table: TableName): NativeInterval | undefined {
  return isCandleTable(table) ? TABLES[table].cadence : undefined;
}

/** The candle length of a candle table in ms, undefined for any other table. */
export function candleMsOf(table: TableName): number | undefined {
  const interval = candleIntervalOf(table);
  return interval === undefined ? undefined : INTERVAL_INFO[interval].ms;
}

/**
 * The step rows of a table are expected at, in ms, where they come at a fixed one (a candle; an
 * hourly open-interest snapshot): each such row closes like a candle, and a missing step is a gap.
 * Undefined where rows come when things happen (funding, liquidations) and for snapshots.
 */
export function cadenceMsOf(table: TableName): number | undefined {
  const cadence = (TABLES[table] as { readonly cadence?: NativeInterval }).cadence;
  return cadence === undefined ? undefined : INTERVAL_INFO[cadence].ms;
}

/** Whether the exchanges serve only a table's present value, read by each run (see `presentOnly`). */
export function isPresentOnly(table: TableName): boolean {
  return (TABLES[table] as { readonly presentOnly?: true }).presentOnly === true;
}

/**
 * Where the rows due by `nowMs` end, for a table with a cadence: a step is due once it has closed
 * (a candle, an hourly snapshot), or once it has begun where the table is read as of now
 * (`presentOnly`: the running step's reading is stored). `nowMs` for a table without a cadence.
 */
export function dueUntilOf(table: TableName, nowMs: number): number {
  const stepMs = cadenceMsOf(table);
  if (stepMs === undefined) return nowMs;
  const closed = Math.floor(nowMs / stepMs) * stepMs;
  return isPresentOnly(table) ? closed + stepMs : closed;
}

/** Whether a table has rows for a market (funding rates: perpetuals only). */
export function tableHasMarket(table: TableName, market: Market): boolean {
  return (TABLES[table].markets as readonly Market[]).includes(market);
}

const MARKET_WORD: Readonly<Record<Market, string>> = { spot: "spot", perp: "perpetuals" };

/** Why a table has no rows for a market, or null when it has: `perpetuals only`. */
export function marketNotInTable(table: TableName, market: Market): string | null {
  if (tableHasMarket(table, market)) return null;
  return `${TABLES[table].markets.map((m) => MARKET_WORD[m]).join(" and ")} only`;
}

/** Whether a table's key (and so its series and gaps) is per market: candles are, perp-only tables are not. */
export function isKeyedByMarket(table: TableName): boolean {
  return (TABLES[table].key as readonly string[]).includes("market");
}
