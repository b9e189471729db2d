import type { DuckDBResultReader, JS } from "@duckdb/node-api";

/** A value as the client returns it: no bigint, no DuckDBValue. */
export type PlainValue = null | boolean | number | string | Date | Uint8Array | PlainValue[] | PlainRow;
export interface PlainRow {
  [key: string]: PlainValue;
}

/**
 * The one place query results become JavaScript: DuckDB's JS conversion (TIMESTAMP -> Date), then
 * BIGINT and HUGEINT -> number (counts and ms fit a double), recursively through lists and structs.
 */
export function convertRows(reader: DuckDBResultReader): PlainRow[] {
  return reader.getRowObjectsJS().map((row) => convertValue(row) as PlainRow);
}

function convertValue(value: JS): PlainValue {
  if (typeof value === "bigint") return Number(value);
  if (value === null || typeof value !== "object" || value instanceof Date || value instanceof Uint8Array) {
    return value;
  }
  if (Array.isArray(value)) return value.map(convertValue);
  const out: PlainRow = {};
  for (const [key, item] of Object.entries(value)) out[key] = convertValue(item);
  return out;
}
