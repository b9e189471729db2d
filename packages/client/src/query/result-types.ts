import type { Table as ArrowTable } from "apache-arrow";
import type { CamelCase, ClientRow, DuckDBType, TableName, Tables } from "@cexdata/schema";
import type { ColumnTable, StringColumn } from "../duckdb/read-columns.js";
import type { PlainRow } from "../duckdb/plain-value.js";
import type { ResultShape } from "../duckdb/run-query.js";

export type { ArrowTable, ResultShape };

/** The column a DuckDB type becomes: strings as a dictionary, lists as arrays, the rest as doubles. */
type ColumnOf<D> = D extends "VARCHAR"
  ? StringColumn
  : D extends "VARCHAR[]"
    ? (string[] | null)[]
    : Float64Array;

/**
 * A table's result as columns, derived from its declaration in @cexdata/schema: camelCase names;
 * numbers, counts, booleans (1/0) and times (epoch ms) as Float64Array with NaN for null.
 */
export type ClientColumns<T extends TableName> = {
  -readonly [K in keyof Tables[T]["columns"] & string as CamelCase<K>]: ColumnOf<
    Tables[T]["columns"][K] extends { type: infer D extends DuckDBType } ? D : never
  >;
};

/** `as`: how a table method returns its result. Default `rows`. */
export interface ShapeOption<A extends ResultShape> {
  /** `rows` (objects), `columns` (typed arrays, string dictionaries) or `arrow` (an Apache Arrow table). */
  as?: A;
}

/** What a table method returns for `as`. */
export type TableResult<T extends TableName, A extends ResultShape> = A extends "columns"
  ? ColumnTable<ClientColumns<T>>
  : A extends "arrow"
    ? ArrowTable
    : ClientRow<T>[];

/** What `dataset.sql` returns for `as`. */
export type SqlResult<A extends ResultShape> = A extends "columns"
  ? ColumnTable
  : A extends "arrow"
    ? ArrowTable
    : PlainRow[];

/** Any shaped result, before a caller narrows it by the `as` it asked for. */
export type { ShapedResult as QueryResult } from "../duckdb/run-query.js";
