import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { TABLES, type DatasetSpec, type SpecFile, type TableName } from "@cexdata/schema";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";

/** How far below the newest file's max_ts the first look reaches: past one month partition. */
const FIRST_LOOK_MS = 45 * 86_400_000;

/**
 * The newest stored time (the table's time column, epoch ms) of each exchange, from the committed
 * Parquet files; null for an exchange with nothing stored. A file holds every exchange of its base and
 * period, so this asks DuckDB first about the files that end within 45 days of the newest (spec.json's
 * max_ts); only an exchange with nothing that recent costs a look at every file.
 */
export async function readNewestTs(params: {
  readonly conn: DuckDBConnection;
  readonly dir: string;
  readonly spec: DatasetSpec | null;
  readonly table: TableName;
  readonly exchanges: readonly string[];
}): Promise<Map<string, number | null>> {
  const { conn, dir, table } = params;
  const files = (params.spec?.tables[table]?.files ?? []).filter((f) => f.max_ts !== null);
  const newest = new Map<string, number | null>(params.exchanges.map((e) => [e, null]));
  if (files.length === 0 || params.exchanges.length === 0) return newest;
  const newestFileMs = Math.max(...files.map((f) => Date.parse(f.max_ts!)));
  const cutoffMs = newestFileMs - FIRST_LOOK_MS;
  const recent = files.filter((f) => Date.parse(f.max_ts!) >= cutoffMs);
  for (const [exchange, ms] of await maxByExchange(conn, dir, table, recent, params.exchanges)) {
    newest.set(exchange, ms);
  }
  // Older files cannot hold anything newer than what the recent ones gave, only something at all.
  const unresolved = params.exchanges.filter((e) => {
    const ms = newest.get(e);
    return ms === null || ms === undefined || ms < cutoffMs;
  });
  const older = files.filter((f) => Date.parse(f.max_ts!) < cutoffMs);
  if (unresolved.length > 0 && older.length > 0) {
    for (const [exchange, ms] of await maxByExchange(conn, dir, table, older, unresolved)) {
      if (ms > (newest.get(exchange) ?? -Infinity)) newest.set(exchange, ms);
    }
  }
  return newest;
}

async function maxByExchange(
  conn: DuckDBConnection,
  dir: string,
  table: TableName,
  files: readonly SpecFile[],
  exchanges: readonly string[],
): Promise<Map<string, number>> {
  if (files.length === 0) return new Map();
  const ts = quoteIdentifier(TABLES[table].timeColumn);
  const list = files.map((f) => quoteSqlString(path.join(dir, f.path))).join(", ");
  const wanted = exchanges.map(quoteSqlString).join(", ");
  const reader = await conn.runAndReadAll(
    `SELECT exchange, epoch_ms(max(${ts})::TIMESTAMP)::DOUBLE FROM read_parquet([${list}]) ` +
      `WHERE exchange IN (${wanted}) GROUP BY exchange`,
  );
  const out = new Map<string, number>();
  for (const [exchange, ms] of reader.getRows()) {
    if (typeof exchange === "string" && typeof ms === "number") out.set(exchange, ms);
  }
  return out;
}
