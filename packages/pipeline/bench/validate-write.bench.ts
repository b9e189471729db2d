// Validate + write throughput from JS rows, against DuckDB alone doing the same insert + COPY.
//   node --conditions=@cexdata/source --import tsx packages/pipeline/bench/validate-write.bench.ts
// BENCH_ROWS (default 1,000,000; BENCH_SHORT=1 for 50,000) rows of 1m candles over 4 bases; each
// mode runs in its own process so its peak RSS is its own. Prints rows/s, the ratio and peak RSS.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { timestampMillisValue } from "@duckdb/node-api";
import type { OhlcvRow } from "@cexdata/schema";
import { openDatasetStore, openDuckDB } from "../src/store/index.js";
import { validateRows } from "../src/validate/index.js";

const ROWS = Number(process.env["BENCH_ROWS"] ?? (process.env["BENCH_SHORT"] ? 50_000 : 1_000_000));
const BATCH = 100_000;
const BASES = ["BTC", "ETH", "SOL", "XRP"];
const START = Date.UTC(2020, 0, 1);
const NOW = Date.UTC(2030, 0, 1);

/** Batch `b` of the synthetic backfill: rows are made batch by batch, as a real backfill receives pages. */
function makeBatch(b: number): OhlcvRow[] {
  const rows: OhlcvRow[] = [];
  const from = b * BATCH;
  const to = Math.min(ROWS, from + BATCH);
  for (let i = from; i < to; i++) {
    const base = BASES[i % BASES.length]!;
    const minute = Math.floor(i / BASES.length);
    const open = 100 + (minute % 97) / 10;
    rows.push({
      exchange: "binance",
      market: "spot",
      symbol: `${base}/USDT`,
      ts: START + minute * 60_000,
      base,
      quote: "USDT",
      open,
      high: open + 1,
      low: open - 1,
      close: open + 0.5,
      volume: minute % 13,
      quote_volume: (minute % 13) * open,
      trades: minute % 31,
    });
  }
  return rows;
}

const batches = Math.ceil(ROWS / BATCH);

const phases: Record<string, number> = {};
async function timePhase<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const out = await fn();
  const cpu = process.cpuUsage(cpuStart);
  phases[name] = (phases[name] ?? 0) + (performance.now() - start) / 1000;
  phases[`${name} cpu`] = (phases[`${name} cpu`] ?? 0) + (cpu.user + cpu.system) / 1e6;
  return out;
}

async function runStore(dir: string): Promise<void> {
  const store = await openDatasetStore({ dir, nowMs: () => NOW });
  for (let b = 0; b < batches; b++) {
    const rows = makeBatch(b);
    const { accepted, rejected } = await timePhase("validate", () =>
      validateRows("ohlcv_1m", rows, { source: "archive", nowMs: NOW }),
    );
    if (rejected.length > 0) throw new Error(`bench rows rejected: ${rejected[0]!.reason}`);
    await timePhase("stage", () => store.stage("ohlcv_1m", accepted, "archive"));
  }
  await timePhase("commit", () => store.commit());
  await store.close();
}

/** The floor: DuckDB's appender fed row by row, then one COPY of the same sorted, zstd Parquet. */
async function runBare(dir: string): Promise<void> {
  const duck = await openDuckDB({ memoryLimit: "512MB", tempDirectory: path.join(dir, "tmp") });
  const c = duck.connection;
  await c.run(
    "CREATE TABLE t (exchange VARCHAR, market VARCHAR, symbol VARCHAR, ts TIMESTAMP_MS, base VARCHAR, quote VARCHAR, " +
      "open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, quote_volume DOUBLE, trades BIGINT)",
  );
  const appender = await c.createAppender("t");
  for (let b = 0; b < batches; b++) {
    for (const r of makeBatch(b)) {
      appender.appendVarchar(r.exchange);
      appender.appendVarchar(r.market);
      appender.appendVarchar(r.symbol);
      appender.appendTimestampMilliseconds(timestampMillisValue(BigInt(r.ts)));
      appender.appendVarchar(r.base);
      appender.appendVarchar(r.quote);
      appender.appendDouble(r.open);
      appender.appendDouble(r.high);
      appender.appendDouble(r.low);
      appender.appendDouble(r.close);
      appender.appendDouble(r.volume);
      appender.appendDouble(r.quote_volume ?? 0);
      appender.appendBigInt(BigInt(r.trades ?? 0));
      appender.endRow();
    }
  }
  appender.closeSync();
  await c.run(
    `COPY (SELECT * FROM t ORDER BY exchange, market, symbol, ts) TO '${path.join(dir, "all.parquet")}' (FORMAT parquet, COMPRESSION zstd)`,
  );
  duck.close();
}

async function runMode(mode: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), `cexdata-bench-${mode}-`));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await (mode === "store" ? runStore(dir) : runBare(dir));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await rm(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      mode,
      rows: ROWS,
      seconds,
      cpuSeconds,
      phases,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

if (process.env["BENCH_MODE"]) await runMode(process.env["BENCH_MODE"]);
else {
  type Result = { seconds: number; cpuSeconds: number; phases: Record<string, number>; peakRssMb: number };
  const results: Record<string, Result> = {};
  for (const mode of ["store", "bare"]) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_MODE: mode },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (child.status !== 0) throw new Error(`bench mode ${mode} failed`);
    results[mode] = JSON.parse(child.stdout.trim().split("\n").pop()!) as Result;
  }
  const rate = (m: string) => ROWS / results[m]!.seconds;
  console.log(`validate+write, ${ROWS.toLocaleString()} rows of 1m candles`);
  for (const m of ["store", "bare"]) {
    const label = m === "store" ? "validateRows + stage + commit" : "bare DuckDB appender + COPY";
    const r = results[m]!;
    const perCpu = Math.round(ROWS / r.cpuSeconds).toLocaleString();
    console.log(
      `  ${label.padEnd(32)} ${Math.round(rate(m)).toLocaleString().padStart(10)} rows/s wall, ${perCpu} rows per CPU-second, peak RSS ${Math.round(r.peakRssMb)} MB`,
    );
  }
  const p = results["store"]!.phases;
  console.log(
    `  store phases (s): ${Object.entries(p)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(", ")}`,
  );
  console.log(
    `  ratio store/bare throughput: ${(rate("store") / rate("bare")).toFixed(2)}x (target: >= 500,000 rows/s)`,
  );
}
