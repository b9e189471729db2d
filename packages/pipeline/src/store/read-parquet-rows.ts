import { readTableFilesSql, tableDef, type Row, type TableName } from "@cexdata/schema";
import { quoteIdentifier, quoteSqlString, type DuckDBHandle } from "./duckdb.js";

/** A dataset file's rows as pipeline rows (timestamps as epoch ms, numbers as numbers), for staging. */
export async function readParquetRows<T extends TableName>(
  duck: DuckDBHandle,
  table: T,
  file: string,
): Promise<Row<T>[]> {
  const columns = Object.entries(tableDef(table).columns).map(([name, c]) => {
    const id = quoteIdentifier(name);
    if (c.type === "TIMESTAMP_MS") return `CAST(epoch_ms(${id}) AS DOUBLE) AS ${id}`;
    if (c.type === "BIGINT" || c.type === "INTEGER" || c.type === "DOUBLE")
      return `CAST(${id} AS DOUBLE) AS ${id}`;
    return id;
  });
  const result = await duck.connection.runAndReadAll(
    `SELECT ${columns.join(", ")} FROM ${readTableFilesSql(table, quoteSqlString(file))}`,
  );
  return result.getRowObjectsJS() as unknown as Row<T>[];
}
