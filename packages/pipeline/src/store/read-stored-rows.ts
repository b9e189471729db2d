import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { tableDef, type DatasetSpec, type Row, type TableName } from "@cexdata/schema";
import { quoteSqlString } from "./duckdb.js";

/**
 * Every stored row of a table as pipeline rows (timestamps as epoch ms, counts as numbers), from
 * the files spec.json lists, optionally only those of `exchanges`. A column a file was written
 * without (added to the table later, nullable) reads as null.
 */
export async function readStoredRows<T extends TableName>(p: {
  conn: DuckDBConnection;
  dir: string;
  spec: DatasetSpec | null;
  table: T;
  exchanges?: readonly string[];
}): Promise<Row<T>[]> {
  const files = (p.spec?.tables[p.table]?.files ?? []).filter((f) => f.rows > 0);
  if (files.length === 0) return [];
  const list = files.map((f) => quoteSqlString(path.join(p.dir, f.path))).join(", ");
  const reader = await p.conn.runAndReadAll(
    `SELECT * FROM read_parquet([${list}], union_by_name = true)` +
      (p.exchanges ? ` WHERE exchange IN (${p.exchanges.map(quoteSqlString).join(", ") || "NULL"})` : ""),
  );
  const columns = Object.entries(tableDef(p.table).columns);
  return reader.getRowObjectsJS().map(
    (raw) =>
      Object.fromEntries(
        columns.map(([name, c]) => {
          const v = raw[name];
          if (v === undefined || v === null) return [name, null];
          if (c.type === "TIMESTAMP_MS") return [name, v instanceof Date ? v.getTime() : Number(v)];
          if (typeof v === "bigint") return [name, Number(v)];
          return [name, v];
        }),
      ) as Row<T>,
  );
}
