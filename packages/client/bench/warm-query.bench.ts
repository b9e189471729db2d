/**
 * Client targets from the design: a warm `Token.ohlcv` within 1.2x of a bare DuckDB query on the same
 * file (both materialise JS rows), and cold bytes over the wire within 1.1x of the files the query
 * needs (spec.json included). Served by the Hub simulator. BENCH_SHORT=1: a small dataset, few runs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { startHubSimulator } from "@cexdata/testkit";
import { benchShort, reportBench } from "../../../bench/report.js";
import { Dataset, Token } from "../src/index.js";
import { buildBlobPath } from "../src/cache/ensure-local-files.js";
import type { DatasetSpec } from "@cexdata/schema";
import { makeCandles } from "../test/support/make-rows.js";
import { commitDatasetDir } from "../test/support/serve-dataset.js";
import { writeTestDataset } from "../test/support/write-dataset.js";

const MINUTE = 60_000;
const JAN = Date.UTC(2024, 0, 1);
const minutes = benchShort ? 3 * 24 * 60 : 31 * 24 * 60;
const runs = benchShort ? 3 : 30;

const work = await mkdtemp(join(tmpdir(), "cexdata-bench-"));
const hub = await startHubSimulator();
try {
  const series = [
    { exchange: "binance", symbol: "BTC/USDT" },
    { exchange: "okx", symbol: "BTC/USDT" },
    { exchange: "coinbase", symbol: "BTC/USD" },
  ];
  const ohlcv_1m = series.flatMap((s, i) =>
    makeCandles({ ...s, startMs: JAN, count: minutes, intervalMs: MINUTE, seed: i + 1 }),
  );
  // A second month, so the cold query has a file it must NOT download.
  ohlcv_1m.push(
    ...makeCandles({ ...series[0]!, startMs: Date.UTC(2024, 1, 1), count: 24 * 60, intervalMs: MINUTE }),
  );
  await writeTestDataset(join(work, "ds"), { ohlcv_1m });
  await commitDatasetDir(hub, "cexdata/bench", join(work, "ds"));

  const dataset = new Dataset({
    source: "hf://datasets/cexdata/bench",
    hubUrl: hub.url,
    cacheDir: join(work, "cache"),
  });
  const query = { interval: "1m" as const, start: JAN, end: Date.UTC(2024, 1, 1) };

  // Cold: bytes over the wire (spec.json and parquet) against the files the query needs.
  const servedBefore = hub.counters.bytesServed;
  const rows = await new Token("BTC", { dataset }).ohlcv(query);
  const served = hub.counters.bytesServed - servedBefore;
  const needed = filesTheQueryNeeds(await dataset.spec(), "BTC", query.start, query.end);
  if (needed.length === 0) throw new Error("the manifest lists no file the query needs");
  const neededBytes = needed.reduce((sum, f) => sum + f.bytes, 0);
  reportBench({
    name: "client cold query bytes",
    unit: "bytes",
    ours: served,
    baseline: neededBytes,
    baselineName: "bytes of the files the query needs",
    target: "<= 1.1",
    notes: `${needed.length} of ${(await dataset.spec()).tables.ohlcv_1m?.files.length} files, ${rows.length} rows`,
  });

  // Warm: Token.ohlcv against a bare DuckDB query of the same cached file.
  const bare = await DuckDBInstance.create(":memory:");
  const connection = await bare.connect();
  const path = buildBlobPath(dataset.cacheDir, needed[0]!.sha256);
  const bareSql = `SELECT * FROM read_parquet('${path}') WHERE exchange = $exchange AND symbol = $symbol AND market = 'spot' ORDER BY ts`;
  const runBare = async () =>
    (await connection.runAndReadAll(bareSql, { exchange: "binance", symbol: "BTC/USDT" })).getRowObjectsJS();
  const runOurs = () => new Token("BTC", { dataset }).ohlcv(query);
  if ((await runBare()).length !== rows.length) throw new Error("bare and client queries disagree");
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    // Interleaved, so both see the same machine state; the first runs warm both up.
    const t0 = performance.now();
    await runOurs();
    const t1 = performance.now();
    await runBare();
    const t2 = performance.now();
    if (i >= 3) {
      ours.push(t1 - t0);
      base.push(t2 - t1);
    }
  }
  connection.closeSync();
  bare.closeSync();
  await dataset.close();
  reportBench({
    name: "client warm Token.ohlcv",
    unit: "ms (median)",
    ours: median(ours),
    baseline: median(base),
    baselineName: "bare DuckDB query on the same file",
    target: "<= 1.2",
    notes: `${rows.length} rows, ${runs} runs`,
  });
} finally {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
}

/**
 * The files a 1m query of `base` over [start, end) must read, worked out here from the manifest alone
 * (the file's base in its path, its min/max ts), not by the client's own file selection.
 */
function filesTheQueryNeeds(spec: DatasetSpec, base: string, start: number, end: number) {
  return (spec.tables.ohlcv_1m?.files ?? []).filter(
    (f) =>
      f.path.split("/").includes(`base=${base}`) &&
      f.min_ts !== null &&
      f.max_ts !== null &&
      Date.parse(f.min_ts) < end &&
      Date.parse(f.max_ts) >= start,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
