import {
  LIST,
  listValue,
  timestampValue,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { TemplateValue } from "@cexdata/sql-templates";
import type { Table as ArrowTable } from "apache-arrow";
import { buildViewSql, type ViewSource } from "./build-view-sql.js";
import { columnsToArrow } from "./columns-to-arrow.js";
import { convertRows, type PlainRow } from "./convert-rows.js";
import { filesHoldEveryColumn } from "./files-hold-every-column.js";
import { describeColumns, readColumns, type ColumnTable } from "./read-columns.js";

/** A value a caller may bind: a template value, or a Date (bound as a TIMESTAMP). */
export type QueryValue = TemplateValue | Date;

/**
 * A DuckDB instance with idle connections kept for reuse. Temp views are per connection and a
 * connection runs one query at a time, so concurrent queries never see each other's views.
 */
export interface Database {
  readonly instance: DuckDBInstance;
  readonly idle: DuckDBConnection[];
}

/**
 * How a result is returned: row objects (the default), columns (typed arrays and string
 * dictionaries), or an Apache Arrow table (needs the optional peer dependency apache-arrow).
 */
export type ResultShape = "rows" | "columns" | "arrow";

/** A result in one of the shapes. */
export type ShapedResult = PlainRow[] | ColumnTable | ArrowTable;

/** Defines the views on a free connection, binds every value as a parameter, returns the result shaped. */
export async function runQuery(params: {
  database: Database;
  views: readonly ViewSource[];
  sql: string;
  values: Readonly<Record<string, QueryValue>>;
  shape?: ResultShape;
}): Promise<ShapedResult> {
  const { database } = params;
  const connection = database.idle.pop() ?? (await database.instance.connect());
  let reusable = false;
  try {
    for (const view of params.views) {
      const files = view.files;
      const everyColumn =
        files !== undefined &&
        files.length === view.paths.length &&
        (await filesHoldEveryColumn(
          connection,
          view.table,
          view.paths.map((path, i) => ({ path, sha256: files[i]!.sha256 })),
        ));
      await connection.run(buildViewSql(view, everyColumn));
    }
    const { values, types } = bindValues(params.values);
    const result = await connection.run(params.sql, values, types);
    reusable = true;
    if (params.shape === undefined || params.shape === "rows") return await convertRows(result);
    const described = describeColumns(result);
    const columns = await readColumns(result, described);
    return params.shape === "columns" ? columns : await columnsToArrow(columns, described);
  } finally {
    if (reusable && database.idle.length < 8) database.idle.push(connection);
    else connection.closeSync();
  }
}

function bindValues(input: Readonly<Record<string, QueryValue>>): {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType | undefined>;
} {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType | undefined> = {};
  for (const [name, value] of Object.entries(input)) {
    if (Array.isArray(value)) {
      values[name] = listValue(value as readonly string[]);
      types[name] = LIST(VARCHAR);
    } else if (value instanceof Date) {
      values[name] = timestampValue(BigInt(value.getTime()) * 1000n);
    } else {
      values[name] = value as DuckDBValue;
    }
  }
  return { values, types };
}
