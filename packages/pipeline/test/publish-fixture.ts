import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { DuckDBInstance } from "@duckdb/node-api";
import { createLogger, type Logger } from "../src/log/create-logger.js";
import {
  partitionPath,
  specColumnsOf,
  type DatasetSpec,
  type SpecGap,
  type TableName,
} from "@cexdata/schema";

/** One partition of daily or hourly binance spot candles, `<BASE>/USDT`. */
export interface CandleFile {
  readonly table: "ohlcv_1d" | "ohlcv_1h";
  readonly base: string;
  /** ISO time of the first candle. */
  readonly start: string;
  readonly count: number;
  /** Moves every price, so two files of the same partition differ. */
  readonly price: number;
  /** More exchanges' series in the same file (a base's partition holds every exchange). */
  readonly others?: readonly { readonly exchange: string; readonly count: number }[];
}

const STEP_MS = { ohlcv_1d: 86_400_000, ohlcv_1h: 3_600_000 } as const;

export async function makeTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `cexdata-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Writes a small but real dataset: Parquet written by DuckDB in the contract's layout and columns, and a
 * spec.json with the true rows, bytes, sha256 and time range of each file.
 */
export async function writeTestDataset(
  dir: string,
  p: { version: number; files: readonly CandleFile[]; gaps?: readonly SpecGap[]; updateTime?: string },
): Promise<DatasetSpec> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const tables: DatasetSpec["tables"] = {};
  try {
    for (const f of p.files) {
      const startMs = Date.parse(f.start);
      const rel = partitionPath(f.table, { base: f.base, tsMs: startMs });
      const abs = path.join(dir, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      // Test data only: every inlined value is a literal of this file.
      const series = [{ exchange: "binance", count: f.count }, ...(f.others ?? [])];
      const selects = series.map(
        (x) => `SELECT '${x.exchange}' AS exchange, 'spot' AS market, '${f.base}/USDT' AS symbol,
          epoch_ms(${startMs}::BIGINT + i * ${STEP_MS[f.table]})::TIMESTAMP_MS AS ts,
          '${f.base}' AS base, 'USDT' AS quote,
          (${f.price} + i)::DOUBLE AS open, (${f.price} + i + 2)::DOUBLE AS high,
          (${f.price} + i - 1)::DOUBLE AS low, (${f.price} + i + 1)::DOUBLE AS close,
          (10.0 + i)::DOUBLE AS volume, ((10.0 + i) * (${f.price} + i))::DOUBLE AS quote_volume,
          (100 + i)::BIGINT AS trades
        FROM range(${x.count}) t(i)`,
      );
      // Test data only: every inlined value is a literal of this file.
      await conn.run(
        `COPY (${selects.join(" UNION ALL ")} ORDER BY exchange, market, symbol, ts) ` +
          `TO '${abs}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      const rows = series.reduce((n, x) => n + x.count, 0);
      const maxCount = Math.max(...series.map((x) => x.count));
      const bytes = await readFile(abs);
      const table = (tables[f.table] ??= { columns: specColumnsOf(f.table), files: [] });
      table.files.push({
        path: rel,
        rows,
        bytes: (await stat(abs)).size,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        min_ts: new Date(startMs).toISOString(),
        max_ts: new Date(startMs + (maxCount - 1) * STEP_MS[f.table]).toISOString(),
      });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  for (const gap of p.gaps ?? []) {
    const table = (tables.ohlcv_1d ??= { columns: specColumnsOf("ohlcv_1d" as TableName), files: [] });
    (table.gaps ??= []).push(gap);
  }
  const spec: DatasetSpec = {
    version: p.version,
    update_time: p.updateTime ?? "2024-06-01T00:00:00.000Z",
    tables,
  };
  await writeFile(path.join(dir, "spec.json"), JSON.stringify(spec, null, 2) + "\n");
  return spec;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A real pipeline logger (redaction included) whose JSON lines are kept for the test to read. */
export function captureLogger(): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: createLogger({ destination: sink, level: "debug" }), output: () => chunks.join("") };
}
