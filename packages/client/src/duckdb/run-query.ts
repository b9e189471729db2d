import {
  LIST,
  listValue,
  VARCHAR,
  type DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { TemplateValue } from "@cexdata/sql-templates";
import { buildViewSql, type ViewSource } from "./build-view-sql.js";
import { convertRows, type PlainRow } from "./convert-rows.js";

/**
 * Runs one query on its own connection (temp views are per connection, so concurrent queries of one
 * Dataset never see each other's views): defines the views, binds every value as a parameter.
 */
export async function runQuery(params: {
  instance: DuckDBInstance;
  views: readonly ViewSource[];
  sql: string;
  values: Readonly<Record<string, TemplateValue>>;
}): Promise<PlainRow[]> {
  const connection = await params.instance.connect();
  try {
    for (const view of params.views) await connection.run(buildViewSql(view));
    const { values, types } = bindValues(params.values);
    const reader = await connection.runAndReadAll(params.sql, values, types);
    return convertRows(reader);
  } finally {
    connection.closeSync();
  }
}

function bindValues(input: Readonly<Record<string, TemplateValue>>): {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType | undefined>;
} {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType | undefined> = {};
  for (const [name, value] of Object.entries(input)) {
    if (Array.isArray(value)) {
      values[name] = listValue(value as readonly string[]);
      types[name] = LIST(VARCHAR);
    } else {
      values[name] = value as DuckDBValue;
    }
  }
  return { values, types };
}
