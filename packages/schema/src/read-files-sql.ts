import { tableDef, type TableName } from "./tables.js";

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

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
 * Whether a file's columns (in file order) are readable as `table`: the schema's columns in order,
 * or a prefix of them followed only by nullable columns the file predates.
 */
export function isReadableColumnList(table: TableName, columns: readonly string[]): boolean {
  const declared = Object.entries(tableDef(table).columns);
  if (columns.length > declared.length) return false;
  return declared.every(([name, c], i) => (i < columns.length ? columns[i] === name : c.nullable));
}
