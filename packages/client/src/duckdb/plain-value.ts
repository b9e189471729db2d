import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBValueConverter } from "@duckdb/node-api";

/** A value as the client returns it: no bigint, no DuckDBValue. */
export type PlainValue = null | boolean | number | string | Date | Uint8Array | PlainValue[] | PlainRow;
export interface PlainRow {
  [key: string]: PlainValue;
}

const WIDE_INTEGERS = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

/**
 * DuckDB's own JS conversion (TIMESTAMP -> Date, DOUBLE -> number, LIST -> array), except that
 * BIGINT-like values become numbers (counts and epoch ms fit a double). Nested values included,
 * because the converter is handed down to lists and structs. Only for the columns the vector
 * readers do not read directly (lists, decimals, structs...).
 */
export const toPlainValue: DuckDBValueConverter<PlainValue> = (value, type, converter) => {
  if (value === null) return null;
  if (WIDE_INTEGERS.has(type.typeId)) return Number(value as bigint);
  return JSDuckDBValueConverter(value, type, converter as never) as PlainValue;
};
