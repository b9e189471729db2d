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
} from "@cexdata/schema";

/**
 * writeTestDataset for thousands of small ohlcv_1h files: the rows are loaded into DuckDB once, then
 * each partition is one COPY of its slice (zstd, sorted by key). `only` picks the partitions to write.
 */
export async function writeManyCandleFiles(
  dir: string,
  rows: readonly Row<"ohlcv_1h">[],
  options: { version: number; only?: (path: string) => boolean },
): Promise<DatasetSpec> {
  const def = TABLES.ohlcv_1h;
  const columns = Object.entries(def.columns) as [string, { type: string }][];
  await mkdir(dir, { recursive: true });
  const json = join(dir, "rows.ndjson");
  const withPath = rows.map((r) => ({
    ...r,
    file_path: partitionPath("ohlcv_1h", { base: r.base, tsMs: r.ts }),
  }));
  await writeFile(json, withPath.map((r) => JSON.stringify(r)).join("\n"));
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  const files: SpecFile[] = [];
  try {
    const jsonTypes = [
      ...columns.map(([n, c]) => `${n}: '${c.type === "TIMESTAMP_MS" ? "BIGINT" : c.type}'`),
      "file_path: 'VARCHAR'",
    ];
    await connection.run(
      `CREATE TABLE staged AS SELECT * FROM read_json('${json}', format = 'newline_delimited', columns = {${jsonTypes.join(", ")}})`,
    );
    const select = columns.map(([n, c]) =>
      c.type === "TIMESTAMP_MS" ? `epoch_ms(${n})::TIMESTAMP_MS AS ${n}` : n,
    );
    const byPath = new Map<string, typeof withPath>();
    for (const r of withPath) byPath.set(r.file_path, [...(byPath.get(r.file_path) ?? []), r]);
    for (const [path, group] of [...byPath].sort(([a], [b]) => a.localeCompare(b))) {
      if (options.only && !options.only(path)) continue;
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      // Test data only: every path is one partitionPath built above.
      await connection.run(
        `COPY (SELECT ${select.join(", ")} FROM staged WHERE file_path = '${path}' ORDER BY ${def.key.join(", ")})
          TO '${target}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      const bytes = await readFile(target);
      const times = group.map((r) => r.ts);
      files.push({
        path,
        rows: times.length,
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        min_ts: new Date(Math.min(...times)).toISOString(),
        max_ts: new Date(Math.max(...times)).toISOString(),
      });
    }
  } finally {
    connection.closeSync();
    db.closeSync();
    await rm(json, { force: true });
  }
  const spec = parseDatasetSpec({
    version: options.version,
    update_time: `2024-06-0${options.version}T00:00:00.000Z`,
    tables: { ohlcv_1h: { columns: specColumnsOf("ohlcv_1h"), files } },
  });
  await writeFile(join(dir, "spec.json"), JSON.stringify(spec, null, 2));
  return spec;
}
