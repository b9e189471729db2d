import { DuckDBTypeId } from "@duckdb/node-api";
import { tableDef, toCamelCase, type DuckDBType, type TableName } from "@cexdata/schema";
import { columnsToArrow } from "../duckdb/columns-to-arrow.js";
import type { ColumnTable, ColumnValues, ResultColumn } from "../duckdb/read-columns.js";
import { vectorKind } from "../duckdb/read-vector.js";
import type { ResultShape, ShapedResult } from "../duckdb/run-query.js";

const TYPE_IDS: Record<DuckDBType, DuckDBTypeId> = {
  VARCHAR: DuckDBTypeId.VARCHAR,
  DOUBLE: DuckDBTypeId.DOUBLE,
  BIGINT: DuckDBTypeId.BIGINT,
  INTEGER: DuckDBTypeId.INTEGER,
  BOOLEAN: DuckDBTypeId.BOOLEAN,
  TIMESTAMP_MS: DuckDBTypeId.TIMESTAMP_MS,
  "VARCHAR[]": DuckDBTypeId.LIST,
};

/**
 * The result of a query that matched no series, without running it: no rows, or a table's columns
 * (camelCase, as its templates return them) with nothing in them.
 */
export async function emptyResult(table: TableName, shape: ResultShape | undefined): Promise<ShapedResult> {
  if (shape === undefined || shape === "rows") return [];
  const described: ResultColumn[] = Object.entries(tableDef(table).columns).map(([name, column]) => {
    const typeId = TYPE_IDS[column.type];
    const itemTypeId = column.type === "VARCHAR[]" ? DuckDBTypeId.VARCHAR : undefined;
    return { name: toCamelCase(name), typeId, kind: vectorKind(typeId), itemTypeId };
  });
  const columns: Record<string, ColumnValues> = {};
  for (const column of described) {
    columns[column.name] =
      column.kind === "string"
        ? { codes: new Int32Array(0), dictionary: [] }
        : column.kind === "values"
          ? []
          : new Float64Array(0);
  }
  const empty: ColumnTable = { length: 0, columns };
  return shape === "columns" ? empty : columnsToArrow(empty, described);
}
