import {
  assetSchema,
  exchangeIdSchema,
  INTERVALS,
  intervalSchema,
  isTableName,
  MARKETS,
  marketSchema,
  TABLE_NAMES,
  type Interval,
  type Market,
  type TableName,
} from "@cexdata/schema";
import { findCloseMatches } from "@cexdata/schema";
import type { ResultShape } from "../duckdb/run-query.js";
import { InvalidArgumentError } from "../errors/index.js";

/** A point in time: a Date, an ISO-8601 string (`2024-01-01`, `2024-01-01T00:00:00Z`) or epoch ms. */
export type TimeInput = Date | string | number;

/** Earliest and latest instants accepted: the dataset starts after 2009 and JS dates end in 275760. */
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/** `btc` -> `BTC`; anything that is not an asset symbol (quotes, slashes, dots-dots) is refused. */
export function normalizeBase(input: unknown): string {
  if (typeof input !== "string") throw invalid("token", input, "a token is a string such as 'BTC'");
  const base = input.trim().toUpperCase();
  if (!assetSchema.safeParse(base).success || base.includes("..")) {
    throw invalid("token", input, "a token is upper-case letters and digits, such as 'BTC'");
  }
  return base;
}

export function normalizeQuote(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== "string" || !assetSchema.safeParse(input.trim().toUpperCase()).success) {
    throw invalid("quote", input, "a quote is an asset such as 'USDT'");
  }
  return input.trim().toUpperCase();
}

export function normalizeExchange(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  const parsed = exchangeIdSchema.safeParse(typeof input === "string" ? input.trim().toLowerCase() : input);
  if (!parsed.success) throw invalid("exchange", input, "an exchange is a ccxt id such as 'binance'");
  return parsed.data;
}

export function normalizeMarket(input: unknown): Market {
  const parsed = marketSchema.safeParse(input ?? "spot");
  if (!parsed.success) throw invalid("market", input, `a market is one of ${MARKETS.join(", ")}`);
  return parsed.data;
}

export function normalizeInterval(input: unknown): Interval {
  const parsed = intervalSchema.safeParse(input ?? "1d");
  if (parsed.success) return parsed.data;
  const close = typeof input === "string" ? findCloseMatches(input, INTERVALS) : [];
  const hint = close.length ? `; did you mean ${close.join(", ")}?` : "";
  throw invalid("interval", input, `an interval is one of ${INTERVALS.join(", ")}${hint}`);
}

const SHAPES: readonly ResultShape[] = ["rows", "columns", "arrow"];

/** `as`: rows (default), columns or arrow. */
export function normalizeShape(input: unknown): ResultShape {
  if (input === undefined) return "rows";
  if (SHAPES.includes(input as ResultShape)) return input as ResultShape;
  throw invalid("as", input, `a result shape is one of ${SHAPES.join(", ")}`);
}

/** A table of the dataset by name (`ohlcv_1m`), with close matches when it is not one. */
export function normalizeTable(input: unknown): TableName {
  if (typeof input === "string" && isTableName(input)) return input;
  const close = typeof input === "string" ? findCloseMatches(input, TABLE_NAMES) : [];
  const hint = close.length ? `; did you mean ${close.join(", ")}?` : "";
  throw invalid("table", input, `a table is one of ${TABLE_NAMES.join(", ")}${hint}`);
}

export function normalizeLimit(input: unknown): number | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== "number" || !Number.isSafeInteger(input) || input < 1) {
    throw invalid("limit", input, "a limit is a positive integer");
  }
  return input;
}

/** Validates a [start, end) range; missing bounds are open. Returns epoch ms. */
export function normalizeRange(input: { start?: TimeInput; end?: TimeInput }): {
  start: number;
  end: number;
} {
  const start = input.start === undefined ? MIN_MS : normalizeTime(input.start, "start");
  const end = input.end === undefined ? MAX_MS : normalizeTime(input.end, "end");
  if (start >= end) {
    throw invalid("end", input.end, `the range is empty: start ${iso(start)} is not before end ${iso(end)}`);
  }
  return { start, end };
}

/** One instant (a Date, an ISO-8601 string read as UTC, or epoch ms), as epoch ms. */
export function normalizeTime(value: TimeInput, argument: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === "number") ms = value;
  else if (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())
  ) {
    // A date or a time without a zone is read as UTC, as every time in the dataset is.
    const text = value.trim().replace(" ", "T");
    ms = Date.parse(/T.*(Z|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes("T") ? text : `${text}Z`);
  } else ms = Number.NaN;
  if (!Number.isFinite(ms))
    throw invalid(argument, value, "a time is a Date, an ISO-8601 string or epoch ms");
  if (ms < MIN_MS || ms > MAX_MS) {
    throw invalid(argument, value, `a time must lie between ${iso(MIN_MS)} and ${iso(MAX_MS)}`);
  }
  return Math.floor(ms);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function invalid(argument: string, value: unknown, expectation: string): InvalidArgumentError {
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 64)) : String(value);
  return new InvalidArgumentError(`invalid ${argument} ${shown}: ${expectation}`, { argument, value });
}
