import { quoteIdentifier, tableDef } from "@cexdata/schema";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type RejectedRow, validateRows } from "../../validate/index.js";
import type { ArchiveTable } from "./plan.js";

/** Refused rows back in JS (few), with validate's own detail string where a single row explains it. */
export async function readRejected(
  conn: DuckDBConnection,
  table: ArchiveTable,
  relation: string,
  nowMs: number,
): Promise<RejectedRow[]> {
  const names = Object.keys(tableDef(table).columns);
  const select = names.map((n) => (n === "ts" ? "epoch_ms(ts) AS ts" : quoteIdentifier(n))).join(", ");
  const reader = await conn.runAndReadAll(`SELECT ${select}, reason FROM ${relation}`);
  return reader.getRowObjectsJS().map((r) => {
    const row: Record<string, unknown> = {};
    for (const n of names) {
      const v = r[n];
      row[n] = typeof v === "bigint" ? Number(v) : v;
    }
    const reason = String(r["reason"]);
    const alone = validateRows(table, [row], { source: "archive", nowMs }).rejected[0];
    const detail = alone?.reason === reason ? alone.detail : `${reason} (found in DuckDB)`;
    return { row, reason, detail, source: "archive" as const };
  });
}
