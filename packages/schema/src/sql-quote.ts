/**
 * SQL quoting, once, for the places values cannot be bound as parameters: file paths in
 * `read_parquet(...)`, `read_csv(...)` and `COPY ... TO ...`, and column names built from the schema.
 */

/** A string literal: single quotes doubled; NUL refused. */
export function quoteSqlString(value: string): string {
  if (value.includes("\0")) throw new RangeError("a SQL string literal cannot hold NUL");
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted identifier: double quotes doubled; NUL refused. */
export function quoteIdentifier(name: string): string {
  if (name.includes("\0")) throw new RangeError("a SQL identifier cannot hold NUL");
  return `"${name.replaceAll('"', '""')}"`;
}
