import type { DuckDBConnection } from "@duckdb/node-api";
import type { TimeRange } from "./plan.js";

const DAY_MS = 86_400_000;

/**
 * Accepted rows per file range: one aggregate by UTC day, each day counted for the range holding
 * its first and last row (the archive's files are days or months, bounded by whole days). A range
 * join of every row against every file cost more CPU than reading the CSVs (365 daily files: 1.2 s);
 * it stays for a day that no single range holds.
 */
export async function rowsPerFile(
  conn: DuckDBConnection,
  relation: string,
  ranges: TimeRange[],
): Promise<number[]> {
  if (ranges.length === 0) return [];
  const reader = await conn.runAndReadAll(
    `SELECT min(epoch_ms(ts))::DOUBLE, max(epoch_ms(ts))::DOUBLE, count(*)::DOUBLE FROM ${relation}
     GROUP BY epoch_ms(ts) // ${DAY_MS}`,
  );
  const counts = ranges.map(() => 0);
  for (const [first, last, n] of reader.getRows() as [number, number, number][]) {
    const i = ranges.findIndex((r) => first >= r.startMs && first < r.endMs);
    if (i < 0 || last >= ranges[i]!.endMs) return rowsPerFileByJoin(conn, relation, ranges);
    counts[i]! += n;
  }
  return counts;
}

async function rowsPerFileByJoin(
  conn: DuckDBConnection,
  relation: string,
  ranges: TimeRange[],
): Promise<number[]> {
  const list = ranges.map((r, i) => `(${i}, ${r.startMs}::BIGINT, ${r.endMs}::BIGINT)`).join(", ");
  const reader = await conn.runAndReadAll(
    `SELECT f.i, count(a.ts)::DOUBLE FROM (VALUES ${list}) f(i, s, e)
     LEFT JOIN ${relation} a ON epoch_ms(a.ts) >= f.s AND epoch_ms(a.ts) < f.e GROUP BY f.i ORDER BY f.i`,
  );
  return (reader.getRows() as [number, number][]).map(([, n]) => n);
}
