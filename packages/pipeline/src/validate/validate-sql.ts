import {
  quoteIdentifier,
  quoteSqlString,
  TABLES,
  tableDef,
  type ColumnDef,
  type TableName,
} from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import { z } from "zod";
import { ruleViolationSql } from "./rules.js";
import { DUPLICATE_REASON } from "./validate-rows.js";

/**
 * Validation of rows already in DuckDB, so an archive import never materialises candles in JS.
 * ONE definition: the data rules are validate/'s own SQL (`ruleViolationSql`); the shape checks are
 * read off the schema's zod column schemas (bounds and their inclusivity probed, as validate's fast
 * shape check does), with validate's reasons. test/archive-validate.test.ts proves that this SQL and
 * `validateRows` accept and reject the same rows for the same reasons.
 */

function innerNumber(column: ColumnDef): z.ZodNumber | null {
  const def = column.zod._zod.def as { type: string; innerType?: z.ZodType };
  const inner = def.type === "nullable" && def.innerType ? def.innerType : column.zod;
  return inner instanceof z.ZodNumber ? inner : null;
}

/** WHEN clauses for one column, in zod's order: missing, not finite, below / above bounds, not integer. */
function columnShapeSql(name: string, column: ColumnDef): string[] {
  const id = quoteIdentifier(name);
  const out: string[] = [];
  if (!column.nullable) out.push(`WHEN ${id} IS NULL THEN 'invalid_shape'`);
  const num = innerNumber(column);
  if (num === null) return out;
  const isTime = column.type === "TIMESTAMP_MS";
  const value = isTime ? `epoch_ms(CAST(${id} AS TIMESTAMP))` : id;
  if (column.type === "DOUBLE") out.push(`WHEN NOT isfinite(${id}) THEN 'non_finite_number'`);
  const min = num.minValue ?? -Infinity;
  const max = num.maxValue ?? Infinity;
  if (Number.isFinite(min)) {
    const exclusive = !num.safeParse(min).success;
    const reason =
      column.type === "DOUBLE" && min === 0
        ? exclusive
          ? "price_not_positive"
          : "negative_amount"
        : "invalid_shape";
    out.push(`WHEN ${value} ${exclusive ? "<=" : "<"} ${min} THEN '${reason}'`);
  }
  if (Number.isFinite(max)) {
    const exclusive = !num.safeParse(max).success;
    out.push(`WHEN ${value} ${exclusive ? ">=" : ">"} ${max} THEN 'invalid_shape'`);
  }
  if (num.isInt === true && column.type === "DOUBLE")
    out.push(`WHEN ${id} <> trunc(${id}) THEN 'invalid_shape'`);
  return out;
}

/**
 * The reason of the first shape check a row breaks, or NULL. String columns are not checked here:
 * an archive batch holds one series, whose exchange / market / symbol / base / quote are checked once
 * in JS with the same zod schemas (`checkSeriesIdentity`).
 */
export function shapeViolationSql(table: TableName): string {
  const whens = Object.entries(tableDef(table).columns).flatMap(([name, c]) => columnShapeSql(name, c));
  return whens.length === 0 ? "CAST(NULL AS VARCHAR)" : `CASE ${whens.join(" ")} ELSE NULL END`;
}

/**
 * SQL of a row's refusal: the first shape violation, else the first rule's reason; NULL when the row
 * is valid. The clock `nowMs` as in `ruleViolationSql`.
 */
export function rowViolationSql(table: TableName, nowMs?: string): string {
  return `coalesce(${shapeViolationSql(table)}, ${ruleViolationSql(table, nowMs)})`;
}

/** The zod verdict on the constant text columns of a series; null when valid, else the issue. */
export function checkSeriesIdentity(
  table: TableName,
  identity: Readonly<Record<string, string>>,
): string | null {
  for (const [name, column] of Object.entries(tableDef(table).columns)) {
    if (column.type !== "VARCHAR" || !(name in identity)) continue;
    const ok = column.zod.safeParse(identity[name]);
    if (!ok.success) return `${name}: ${ok.error.issues[0]?.message ?? "invalid"}`;
  }
  return null;
}

/** Names of the relations `validateInDuckDB` leaves behind for one batch. */
export interface CheckedRelations {
  /** Every row read, with its `reason` (NULL when it passed shape and rules). */
  readonly checked: string;
  /** Keys held by more than one valid row. */
  readonly dups: string;
  /** Valid rows, duplicates collapsed: what may be staged. */
  readonly accepted: string;
  /** Refused rows with a `reason` column: what goes to quarantine. */
  readonly rejected: string;
  /**
   * True when the valid rows, in the order a scan of `checked` gives them, are in strictly
   * ascending key order: no key repeats and `accepted` needs no sort (one series of the archive,
   * whose files are read in time order).
   */
  readonly inKeyOrder: boolean;
}

/**
 * Whether the valid rows of `checked` come in strictly ascending `time` order, row after row as
 * stored: each valid row against the next by position (a streaming pass; grouping every key to
 * find repeats was a hash of the whole batch, and the sort at write time another).
 */
async function inAscendingOrder(conn: DuckDBConnection, checked: string, time: string): Promise<boolean> {
  const valid = `SELECT ${time} AS t FROM ${checked} WHERE reason IS NULL`;
  const reader = await conn.runAndReadAll(
    `SELECT count(*) FILTER (WHERE b.t <= a.t)::DOUBLE FROM (${valid}) a POSITIONAL JOIN (${valid} OFFSET 1) b`,
  );
  return (reader.getRows()[0] as [number])[0] === 0;
}

/**
 * Validates the rows of the DuckDB relation `source` (the table's columns, ts a TIMESTAMP) without
 * moving them into JS: shape, then validate/'s rules, then duplicates (exact copies collapse to one;
 * rows sharing a key with different values are all refused as `conflicting_duplicate`).
 */
export async function validateInDuckDB(params: {
  conn: DuckDBConnection;
  table: TableName;
  /** A relation name or a parenthesised subquery with the table's columns, without parameters. */
  source: string;
  /**
   * Text columns holding one value in the whole batch (one series), already checked with
   * `checkSeriesIdentity`: not materialised (repeating strings is most of a table's cost), not
   * hashed for duplicates, and put back as literals by the views.
   */
  constants?: Readonly<Record<string, string>>;
  nowMs: number;
  prefix: string;
  /**
   * The catalog `checked` and `dups` are created in (visible to every connection of the instance);
   * by default they are TEMP tables of `conn`. The views are always TEMP.
   */
  catalog?: string;
}): Promise<CheckedRelations> {
  const { conn, table, source, prefix } = params;
  const constants = params.constants ?? {};
  const names = Object.keys(tableDef(table).columns);
  const cols = names.filter((n) => !(n in constants)).map(quoteIdentifier);
  const keys = (TABLES[table].key as readonly string[]).filter((k) => !(k in constants)).map(quoteIdentifier);
  const on = keys.map((k) => `c.${k} = d.${k}`).join(" AND ");
  const create = params.catalog === undefined ? "CREATE OR REPLACE TEMP TABLE" : "CREATE OR REPLACE TABLE";
  const qualify = (name: string) =>
    params.catalog === undefined
      ? quoteIdentifier(name)
      : `${quoteIdentifier(params.catalog)}.${quoteIdentifier(name)}`;
  const checked = qualify(`${prefix}_checked`);
  const dups = qualify(`${prefix}_dups`);
  await conn.run(
    `${create} ${checked} AS SELECT ${cols.join(", ")},
      ${rowViolationSql(table)} AS reason FROM ${source}`,
    { now_ms: BigInt(params.nowMs) },
  );
  // Keys held by more than one valid row (rare), and how many different versions each has. The
  // grouping skips columns constant in the batch (one series): hashing a BIGINT beats four columns.
  // Versions are counted for repeated keys only: a DISTINCT per group over every key cost 3x the
  // grouping itself.
  const k = keys.map((key) => `k.${key}`).join(", ");
  const time = quoteIdentifier(TABLES[table].timeColumn);
  const inKeyOrder = keys.length === 1 && keys[0] === time && (await inAscendingOrder(conn, checked, time));
  await conn.run(
    `${create} ${dups} AS
      WITH k AS (SELECT ${keys.join(", ")} FROM ${checked} WHERE reason IS NULL
        ${inKeyOrder ? "AND false" : ""} GROUP BY ${keys.join(", ")} HAVING count(*) > 1)
      SELECT ${k}, count(DISTINCT (${cols.map((c) => `c.${c}`).join(", ")})) AS variants
      FROM ${checked} c JOIN k ON ${keys.map((key) => `c.${key} = k.${key}`).join(" AND ")}
      WHERE c.reason IS NULL GROUP BY ${k}`,
  );
  const c = names
    .map((n) =>
      n in constants
        ? `${quoteSqlString(constants[n]!)} AS ${quoteIdentifier(n)}`
        : `c.${quoteIdentifier(n)}`,
    )
    .join(", ");
  const accepted = quoteIdentifier(`${prefix}_accepted`);
  const rejected = quoteIdentifier(`${prefix}_rejected`);
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW ${accepted} AS
      SELECT ${c} FROM ${checked} c WHERE c.reason IS NULL AND NOT EXISTS (SELECT 1 FROM ${dups} d WHERE ${on})
      UNION ALL
      SELECT DISTINCT ${c} FROM ${checked} c JOIN ${dups} d ON ${on} WHERE c.reason IS NULL AND d.variants = 1`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW ${rejected} AS
      SELECT ${c}, c.reason FROM ${checked} c WHERE c.reason IS NOT NULL
      UNION ALL
      SELECT ${c}, '${DUPLICATE_REASON}' AS reason FROM ${checked} c JOIN ${dups} d ON ${on}
      WHERE c.reason IS NULL AND d.variants > 1`,
  );
  return { checked, dups, accepted, rejected, inKeyOrder };
}
