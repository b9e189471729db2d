/**
 * Reading many rows: a quant loading two years of 1-minute candles (1M rows) as columns and as row
 * objects, against DuckDB executing the same query and fetching its result chunks without making a JS
 * value; and `Tokens(50)` of five years of daily candles against a bare DuckDB query over the same
 * files (rows from DuckDB's own JS conversion). Local dataset, warm cache, runs interleaved, a full
 * garbage collection before each (see `collectGarbage`).
 * BENCH_SHORT=1: 20k candles, 5 tokens, few runs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, LIST, listValue, timestampValue, VARCHAR } from "@duckdb/node-api";
import { loadTemplate } from "@cexdata/sql-templates";
import { benchShort, reportBench } from "../../../bench/report.js";
import { Dataset, Token, Tokens } from "../src/index.js";
import { makeCandles } from "../test/support/make-rows.js";
import { writeTestDataset } from "../test/support/write-dataset.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.UTC(2023, 0, 1);
const candles = benchShort ? 20_000 : 1_000_000;
const tokenCount = benchShort ? 5 : 50;
const days = benchShort ? 365 : 5 * 365;
const runs = benchShort ? 2 : 7;
const listOfVarchar = LIST(VARCHAR);

/**
 * A full garbage collection before each measure, outside its time (`pnpm bench` runs node with
 * --expose-gc): a million row objects, or DuckDB chunks whose native memory is freed only when the
 * collector finalizes them, would otherwise be collected inside whichever measure ran next: measured
 * after the baseline and the rows without it, the columns took 2.1x the baseline, with it 1.2x.
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (collectGarbage === undefined)
  console.log("(no --expose-gc: each measure may pay for the garbage of the one before)");

const work = await mkdtemp(join(tmpdir(), "cexdata-bench-columns-"));
const bare = await DuckDBInstance.create(":memory:");
const connection = await bare.connect();
try {
  const bases = Array.from({ length: tokenCount }, (_, i) => `T${String(i).padStart(2, "0")}`);
  await writeTestDataset(join(work, "ds"), {
    ohlcv_1m: makeCandles({
      exchange: "binance",
      symbol: "BTC/USDT",
      startMs: START,
      count: candles,
      intervalMs: MINUTE,
    }),
    ohlcv_1d: bases.flatMap((base, i) =>
      makeCandles({
        exchange: "binance",
        symbol: `${base}/USDT`,
        startMs: START,
        count: days,
        intervalMs: DAY,
        seed: i + 1,
      }),
    ),
  });
  const dataset = new Dataset({ source: join(work, "ds"), cacheDir: join(work, "cache") });
  const spec = await dataset.spec();
  const pathsOf = (table: "ohlcv_1m" | "ohlcv_1d") =>
    (spec.tables[table]?.files ?? []).map((f) => join(work, "ds", f.path));

  // 1M candles: the client's own template, run bare on a view over the same files.
  const query = { interval: "1m" as const, start: START, end: START + candles * MINUTE };
  const template = loadTemplate("select_ohlcv_by_symbol", {
    exchanges: ["binance"],
    symbols: ["BTC/USDT"],
    market: "spot",
    start: query.start,
    end: query.end,
    limit: null,
  });
  await connection.run(
    `CREATE VIEW ohlcv AS SELECT * FROM read_parquet([${pathsOf("ohlcv_1m").map(quote).join(", ")}])`,
  );
  const executeAndFetch = async () => {
    const values = {
      ...template.values,
      exchanges: listValue(["binance"]),
      symbols: listValue(["BTC/USDT"]),
    };
    const result = await connection.run(template.sql, values as never, {
      exchanges: listOfVarchar,
      symbols: listOfVarchar,
    });
    let rows = 0;
    for (let i = 0; i < result.chunkCount; i++) rows += result.getChunk(i).rowCount;
    return rows;
  };
  const token = new Token("BTC", { dataset });
  const asRows = async () => (await token.ohlcv(query)).length;
  const asColumns = async () => (await token.ohlcv({ ...query, as: "columns" })).length;
  const measured = await interleave({
    "DuckDB execute+fetch": executeAndFetch,
    columns: asColumns,
    rows: asRows,
  });
  for (const [name, count] of Object.entries(measured.counts))
    if (count !== candles) throw new Error(`${name}: expected ${candles} candles, got ${count}`);
  const fetchMs = measured.medians["DuckDB execute+fetch"]!;
  reportBench({
    name: "client 1M candles as columns",
    unit: "ms (median)",
    ours: measured.medians.columns!,
    baseline: fetchMs,
    baselineName: "DuckDB execute+fetch of the same query, no JS values",
    target: "<= 1.5",
    notes: `${candles} candles, ${runs} runs`,
  });
  reportBench({
    name: "client 1M candles as rows",
    unit: "ms (median)",
    ours: measured.medians.rows!,
    baseline: fetchMs,
    baselineName: "DuckDB execute+fetch of the same query, no JS values",
    target: "<= 3",
    notes: `${candles} candles, ${runs} runs`,
  });

  // Tokens(50) x 5 years of daily candles, as rows, against bare DuckDB over the same 50 files.
  const tokens = new Tokens(bases, { dataset });
  const dailyPaths = pathsOf("ohlcv_1d");
  const bareDaily = `SELECT * FROM read_parquet([${dailyPaths.map(quote).join(", ")}])
    WHERE market = 'spot' AND ts >= $start AND ts < $end ORDER BY base, ts`;
  const range = { start: new Date(START), end: new Date(START + days * DAY) };
  const bareRange = {
    start: timestampValue(BigInt(range.start.getTime()) * 1000n),
    end: timestampValue(BigInt(range.end.getTime()) * 1000n),
  };
  const daily = await interleave({
    "bare DuckDB": async () =>
      (await connection.runAndReadAll(bareDaily, bareRange)).getRowObjectsJS().length,
    tokens: async () => (await tokens.ohlcv({ interval: "1d", ...range })).length,
  });
  if (daily.counts.tokens !== tokenCount * days || daily.counts["bare DuckDB"] !== tokenCount * days)
    throw new Error(`expected ${tokenCount * days} daily candles, got ${JSON.stringify(daily.counts)}`);
  reportBench({
    name: "client Tokens(50) 1d x 5y",
    unit: "ms (median)",
    ours: daily.medians.tokens!,
    baseline: daily.medians["bare DuckDB"]!,
    baselineName: "bare DuckDB query over the same files, JS rows",
    target: "<= 1.3",
    notes: `${tokenCount} tokens x ${days} days, ${runs} runs`,
  });
  await dataset.close();
} finally {
  connection.closeSync();
  bare.closeSync();
  await rm(work, { recursive: true, force: true });
}

/** Runs each measure `runs` times after one warm-up, interleaved so all see the same machine state. */
async function interleave(measures: Record<string, () => Promise<number>>) {
  const times: Record<string, number[]> = {};
  const counts: Record<string, number> = {};
  for (let i = 0; i <= runs; i++) {
    for (const [name, measure] of Object.entries(measures)) {
      collectGarbage?.();
      const t0 = performance.now();
      counts[name] = await measure();
      if (i > 0) (times[name] ??= []).push(performance.now() - t0);
    }
  }
  const medians = Object.fromEntries(Object.entries(times).map(([name, t]) => [name, median(t)]));
  return { medians, counts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function quote(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}
