import { existsSync } from "node:fs";
import path from "node:path";
import { TABLES, type TableName } from "@cexdata/schema";
import { openDuckDB, quoteSqlString } from "../../src/store/index.js";

/** Every stored row of a table (timestamps as epoch ms, lists as arrays), sorted by key. */
export async function readTable(datasetDir: string, table: TableName): Promise<Record<string, unknown>[]> {
  const dir = path.join(datasetDir, "data", table);
  if (!existsSync(dir)) return [];
  const duck = await openDuckDB({ threads: 1 });
  try {
    const cols = Object.entries(TABLES[table].columns).map(([name, c]) =>
      c.type === "TIMESTAMP_MS" ? `epoch_ms(${name})::DOUBLE AS ${name}` : name,
    );
    const key = (TABLES[table].key as readonly string[]).join(", ");
    const glob = quoteSqlString(path.join(dir, "**", "*.parquet"));
    const reader = await duck.connection.runAndReadAll(
      `SELECT ${cols.join(", ")} FROM read_parquet(${glob}) ORDER BY ${key}`,
    );
    return reader
      .getRowObjectsJS()
      .map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
      );
  } finally {
    duck.close();
  }
}
