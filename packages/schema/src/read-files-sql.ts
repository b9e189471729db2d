import { quoteIdentifier } from "./sql-quote.js";
import { tableDef, type TableName } from "./tables.js";

/**
 * A DuckDB relation over Parquet files of `table` with every column the schema declares, whatever
 * version of the schema each file was written under: a nullable column added later (a minor schema
 * version) reads NULL from the files written before it. `fileListSql` is a DuckDB list of quoted
 * paths (`['a.parquet', 'b.parquet']`) from a verified manifest, never from a user.
 */
export function readTableFilesSql(table: TableName, fileListSql: string): string {
  const typedEmpty = Object.entries(tableDef(table).columns)
    .map(([name, c]) => `CAST(NULL AS ${c.type}) AS ${quoteIdentifier(name)}`)
    .join(", ");
  return (
    `(SELECT ${typedEmpty} WHERE false UNION ALL BY NAME ` +
    `SELECT * FROM read_parquet(${fileListSql}, union_by_name = true))`
  );
}

/**
 * Whether a file's columns are readable as `table`, matched by name (files are read with
 * `union_by_name`): each is a column of the schema, and each schema column the file lacks is a
 * nullable one added after the file was written (wherever the schema lists it).
 */
export function isReadableColumnList(table: TableName, columns: readonly string[]): boolean {
  const declared = tableDef(table).columns as Readonly<Record<string, { nullable: boolean }>>;
  const present = new Set(columns);
  return (
    columns.every((name) => name in declared) &&
    Object.entries(declared).every(([name, c]) => present.has(name) || c.nullable)
  );
}
