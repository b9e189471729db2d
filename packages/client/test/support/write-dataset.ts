import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  parseDatasetSpec,
  partitionPath,
  specColumnsOf,
  TABLES,
  type DatasetSpec,
  type Row,
  type SpecFile,
  type TableName,
} from "@cexdata/schema";

/** Rows per table, as the pipeline writes them (snake_case, epoch ms). */
export type TestTables = { [T in TableName]?: Row<T>[] };

/**
 * Writes a dataset directory the way the contract says: data/<table>/base=<BASE>/<period>.parquet
 * written by DuckDB (zstd, rows sorted by key) and a spec.json that passes the schema.
 */
export async function writeTestDataset(
  dir: string,
  tables: TestTables,
  options: { version?: number; updateTime?: string } = {},
): Promise<DatasetSpec> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  const spec: { version: number; update_time: string; tables: Record<string, unknown> } = {
    version: options.version ?? 1,
    update_time: options.updateTime ?? "2024-06-01T00:00:00.000Z",
    tables: {},
  };
  try {
    for (const [table, rows] of Object.entries(tables) as [TableName, Record<string, unknown>[]][]) {
      const def = TABLES[table];
      const groups = new Map<string, Record<string, unknown>[]>();
      for (const row of rows) {
        const path = partitionPath(table, { base: row.base as string, tsMs: row[def.timeColumn] as number });
        const group = groups.get(path);
        if (group) group.push(row);
        else groups.set(path, [row]);
      }
      const files: SpecFile[] = [];
      for (const [path, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        files.push(await writeParquet(connection, dir, table, path, group));
      }
      spec.tables[table] = { columns: specColumnsOf(table), files };
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
  const parsed = parseDatasetSpec(spec);
  await writeFile(join(dir, "spec.json"), JSON.stringify(parsed, null, 2));
  return parsed;
}

async function writeParquet(
  connection: Awaited<ReturnType<DuckDBInstance["connect"]>>,
  dir: string,
  table: TableName,
  path: string,
  rows: Record<string, unknown>[],
): Promise<SpecFile> {
  const def = TABLES[table];
  const columns = Object.entries(def.columns) as [string, { type: string }][];
  const target = join(dir, path);
  await mkdir(dirname(target), { recursive: true });
  const json = `${target}.ndjson`;
  await writeFile(json, rows.map((r) => JSON.stringify(r)).join("\n"));
  const jsonTypes = columns.map(([n, c]) => `${n}: '${c.type === "TIMESTAMP_MS" ? "BIGINT" : c.type}'`);
  const select = columns.map(([n, c]) =>
    c.type === "TIMESTAMP_MS" ? `epoch_ms(${n})::TIMESTAMP_MS AS ${n}` : n,
  );
  await connection.run(
    `COPY (SELECT ${select.join(", ")} FROM read_json('${json}', format = 'newline_delimited', columns = {${jsonTypes.join(", ")}})
      ORDER BY ${def.key.join(", ")}) TO '${target}' (FORMAT parquet, COMPRESSION zstd)`,
  );
  await rm(json);
  const bytes = await readFile(target);
  const times = rows.map((r) => r[def.timeColumn]).filter((t): t is number => typeof t === "number");
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    path,
    rows: rows.length,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    min_ts: iso(times.length ? times.reduce((a, b) => Math.min(a, b)) : undefined),
    max_ts: iso(times.length ? times.reduce((a, b) => Math.max(a, b)) : undefined),
  };
}
