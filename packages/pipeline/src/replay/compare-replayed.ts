import { existsSync } from "node:fs";
import path from "node:path";
import { TABLES, type Columns, type TableName } from "@cexdata/schema";
import { openDuckDB, quoteIdentifier, quoteSqlString } from "../store/index.js";

/** What a replay would change (or changed) for one table, exchange and UTC day. */
export interface ReplayChange {
  readonly table: string;
  readonly exchange: string;
  readonly day: string;
  /** Replayed rows whose key the dataset does not hold. */
  readonly added: number;
  /** Replayed rows whose key the dataset holds with other values. */
  readonly changed: number;
  /** Every added or changed row: the stored values (absent when added) and the replayed ones. */
  readonly rows: readonly ReplayedRowChange[];
}

export interface ReplayedRowChange {
  readonly kind: "added" | "changed";
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return (a ?? null) === (b ?? null);
}

/**
 * Compares validated rows re-derived from raw records with what the dataset stores under the same
 * keys: rows it lacks are added, rows with any other column value are changed. Only the exchanges
 * and time span of the replayed rows are read.
 */
export async function compareWithStored(
  datasetDir: string,
  table: TableName,
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<ReplayChange[]> {
  if (rows.length === 0) return [];
  const def = TABLES[table];
  const types = def.columns as Columns;
  const columns = Object.keys(types);
  const keyOf = (r: Readonly<Record<string, unknown>>) => JSON.stringify(def.key.map((k) => r[k]));
  const stored = new Map<string, Record<string, unknown>>();
  const tableDir = path.join(datasetDir, "data", table);
  if (existsSync(tableDir)) {
    const time = def.timeColumn;
    const times = rows.map((r) => Number(r[time]));
    const exchanges = [...new Set(rows.map((r) => String(r.exchange)))];
    const select = columns
      .map((c) => {
        const q = quoteIdentifier(c);
        return types[c]!.type === "TIMESTAMP_MS" ? `epoch_ms(${q})::DOUBLE AS ${q}` : q;
      })
      .join(", ");
    const duck = await openDuckDB();
    try {
      const glob = quoteSqlString(path.join(tableDir, "**/*.parquet"));
      const reader = await duck.connection.runAndReadAll(
        `SELECT ${select} FROM read_parquet(${glob}, union_by_name = true)
         WHERE exchange IN (${exchanges.map(quoteSqlString).join(", ")})
           AND ${quoteIdentifier(time)} BETWEEN epoch_ms(${Math.min(...times)}::BIGINT) AND epoch_ms(${Math.max(...times)}::BIGINT)`,
      );
      for (const r of reader.getRowObjectsJS() as Record<string, unknown>[]) {
        for (const c of columns) if (typeof r[c] === "bigint") r[c] = Number(r[c]);
        stored.set(keyOf(r), r);
      }
    } finally {
      duck.close();
    }
  }
  const byGroup = new Map<string, { added: number; changed: number; rows: ReplayedRowChange[] }>();
  for (const row of rows) {
    const before = stored.get(keyOf(row));
    const kind =
      before === undefined ? "added" : columns.some((c) => !sameValue(before[c], row[c])) ? "changed" : null;
    if (kind === null) continue;
    const day = new Date(Number(row[def.timeColumn])).toISOString().slice(0, 10);
    const group = `${String(row.exchange)}|${day}`;
    const entry = byGroup.get(group) ?? { added: 0, changed: 0, rows: [] };
    entry[kind]++;
    entry.rows.push(before === undefined ? { kind, after: { ...row } } : { kind, before, after: { ...row } });
    byGroup.set(group, entry);
  }
  return [...byGroup.entries()]
    .map(([group, e]) => {
      const [exchange, day] = group.split("|") as [string, string];
      return { table, exchange, day, ...e };
    })
    .sort((a, b) => a.exchange.localeCompare(b.exchange) || a.day.localeCompare(b.day));
}
