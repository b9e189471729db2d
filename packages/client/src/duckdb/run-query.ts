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
import { buildViewSql, type ViewSource } from "./build-view-sql.js";
import { convertRows, type PlainRow } from "./convert-rows.js";

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

/** Defines the views on a free connection, binds every value as a parameter, returns plain rows. */
export async function runQuery(params: {
  database: Database;
  views: readonly ViewSource[];
  sql: string;
  values: Readonly<Record<string, QueryValue>>;
}): Promise<PlainRow[]> {
  const { database } = params;
  const connection = database.idle.pop() ?? (await database.instance.connect());
  let reusable = false;
  try {
    for (const view of params.views) await connection.run(buildViewSql(view));
    const { values, types } = bindValues(params.values);
    const rows = convertRows(await connection.runAndReadAll(params.sql, values, types));
    reusable = true;
    return rows;
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
