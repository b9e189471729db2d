import { candleMsOf, tableDef, type TableName } from "@cexdata/schema";

/** Where a row came from. With the table's merge policy (store/merge-policy.ts) it decides which row a key keeps. */
/** Where rows come from; `replay` is rows re-derived from the raw layer by `cexdata replay`. */
export type RowSource = "rest" | "archive" | "ws" | "replay";

export interface ValidationContext {
  readonly source: RowSource;
  /** The clock, epoch ms: a candle is closed when `ts + interval <= nowMs`. */
  readonly nowMs: number;
}

/**
 * One data rule beyond the row's shape, defined once and in two forms: `check` for rows in JS and
 * `sql` for rows already in DuckDB (the archive importer and `verify`). A test proves both agree.
 */
export interface ValidationRule {
  /** Stable, machine-groupable reason written to quarantine, e.g. `high_below_open_close`. */
  readonly reason: string;
  readonly doc: string;
  readonly appliesTo: (table: TableName) => boolean;
  /** A detail string when the row breaks the rule, null when it passes. The row has a valid shape. */
  readonly check: (row: Readonly<Record<string, unknown>>, table: TableName, nowMs: number) => string | null;
  /**
   * A SQL boolean expression, true when a row breaks the rule. Columns are referenced by their bare
   * names; the clock is `nowMs`, a SQL expression of BIGINT epoch ms.
   */
  readonly sql: (table: TableName, nowMs: string) => string;
}

/** The candle length of a candle table in ms, or undefined for any other table (the schema's fact). */
export const intervalMsOf = candleMsOf;

const hasColumns =
  (...names: string[]) =>
  (table: TableName): boolean =>
    names.every((n) => Object.hasOwn(tableDef(table).columns, n));

const isOhlcv = (table: TableName): boolean => intervalMsOf(table) !== undefined;
const num = (v: unknown): number => v as number;
const iso = (ms: number): string => new Date(ms).toISOString();
/** Epoch ms of a TIMESTAMP column in SQL (works for TIMESTAMP and TIMESTAMP_MS). */
const epochMsSql = (column: string): string => `epoch_ms(CAST(${column} AS TIMESTAMP))`;

/** A candle's low is at or under its open and close, its high at or over them: one rule per side. */
function candleRangeRule(side: "low" | "high"): ValidationRule {
  const low = side === "low";
  return {
    reason: low ? "low_above_open_close" : "high_below_open_close",
    doc: low ? "low <= min(open, close)" : "high >= max(open, close)",
    appliesTo: hasColumns("open", "high", "low", "close"),
    check: (row) => {
      const value = num(row[side]);
      const open = num(row["open"]);
      const close = num(row["close"]);
      if (low) {
        const min = Math.min(open, close);
        return value <= min ? null : `low ${value} > min(open, close) ${min}`;
      }
      const max = Math.max(open, close);
      return value >= max ? null : `high ${value} < max(open, close) ${max}`;
    },
    sql: () => (low ? `low > least(open, close)` : `high < greatest(open, close)`),
  };
}

/** Every rule, in the order they are checked; the first rule a row breaks is its reason. */
export const VALIDATION_RULES: readonly ValidationRule[] = [
  {
    reason: "symbol_base_quote_mismatch",
    doc: "the symbol's base and quote are the row's base and quote (`BTC/USDT` has base BTC, quote USDT)",
    appliesTo: hasColumns("symbol", "base", "quote"),
    check: (row) => {
      const symbol = row["symbol"] as string;
      const base = row["base"] as string;
      const quote = row["quote"] as string;
      // Compared in place: building `${base}/${quote}` for every row was measurable garbage.
      const end = base.length + 1 + quote.length;
      const ok =
        symbol.startsWith(base) &&
        symbol.charCodeAt(base.length) === 47 && // "/"
        symbol.startsWith(quote, base.length + 1) &&
        (symbol.length === end || symbol.charCodeAt(end) === 58); // ":"
      return ok ? null : `symbol ${symbol} is not ${base}/${quote}[:SETTLE]`;
    },
    sql: () => `NOT (symbol = base || '/' || quote OR starts_with(symbol, base || '/' || quote || ':'))`,
  },
  {
    reason: "market_symbol_mismatch",
    doc: "a spot symbol has no settle currency (`BTC/USDT`), a perp symbol has one (`BTC/USDT:USDT`)",
    appliesTo: hasColumns("symbol", "market"),
    check: (row) => {
      const perp = (row["symbol"] as string).includes(":");
      return (row["market"] === "perp") === perp
        ? null
        : `market ${row["market"] as string} with symbol ${row["symbol"] as string}`;
    },
    sql: () => `((market = 'perp') <> contains(symbol, ':'))`,
  },
  candleRangeRule("low"),
  candleRangeRule("high"),
  {
    reason: "ts_not_aligned",
    doc: "a candle's ts is the open time of its interval (a multiple of the interval since the epoch)",
    appliesTo: isOhlcv,
    check: (row, table) => {
      const ts = num(row["ts"]);
      const ms = intervalMsOf(table)!;
      return ts % ms === 0 ? null : `ts ${iso(ts)} is not on a ${ms / 60_000}-minute boundary`;
    },
    sql: (table) => `${epochMsSql("ts")} % ${intervalMsOf(table)!} <> 0`,
  },
  {
    reason: "candle_not_closed",
    doc: "only closed candles are stored: ts + interval <= now",
    appliesTo: isOhlcv,
    check: (row, table, nowMs) => {
      const closeMs = num(row["ts"]) + intervalMsOf(table)!;
      return closeMs <= nowMs ? null : `candle closes at ${iso(closeMs)}, after now ${iso(nowMs)}`;
    },
    sql: (table, nowMs) => `${epochMsSql("ts")} + ${intervalMsOf(table)!} > ${nowMs}`,
  },
  {
    reason: "ts_in_future",
    doc: "an event (funding, open interest snapshot, liquidation) is not later than now",
    appliesTo: (table) => !isOhlcv(table) && hasColumns("ts")(table),
    check: (row, _table, nowMs) => {
      const ts = num(row["ts"]);
      return ts <= nowMs ? null : `ts ${iso(ts)} is after now ${iso(nowMs)}`;
    },
    sql: (_table, nowMs) => `${epochMsSql("ts")} > ${nowMs}`,
  },
];

/** The rules that apply to a table, in check order. */
export function rulesOf(table: TableName): readonly ValidationRule[] {
  return VALIDATION_RULES.filter((rule) => rule.appliesTo(table));
}

/**
 * A SQL expression giving the reason of the first rule a row breaks, or NULL when it passes every
 * rule: `SELECT *, <this> AS reason FROM ...`. The clock is `nowMs`, by default the parameter
 * `$now_ms` (bind BIGINT epoch ms), or a literal where no parameter can be bound. Shape (types,
 * finite numbers, prices > 0, amounts >= 0) is checked separately: see `shapeViolationSql`.
 */
export function ruleViolationSql(table: TableName, nowMs = "$now_ms"): string {
  const rules = rulesOf(table);
  if (rules.length === 0) return "CAST(NULL AS VARCHAR)";
  return `CASE ${rules.map((r) => `WHEN ${r.sql(table, nowMs)} THEN '${r.reason}'`).join(" ")} ELSE NULL END`;
}
