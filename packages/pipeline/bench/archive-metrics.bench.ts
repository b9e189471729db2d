/**
 * Archive import of Binance's daily `metrics` files: a month for 10 symbols (5-minute rows, header),
 * each symbol's files read once per table they feed (long_short_ratios and open_interest, the
 * on-the-hour rows), validated in SQL, staged and committed as Parquet, against DuckDB alone doing
 * read_csv -> COPY (zstd Parquet) of the same files in the same process. Target as for the kline
 * import: within 2x of bare DuckDB. BENCH_SHORT=1: 2 symbols, 3 days.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { benchShort, reportBench } from "../../../bench/report.js";
import { openDuckDB } from "../src/store/duckdb.js";
import { openDatasetStore } from "../src/store/index.js";
import { toArchiveSymbol } from "../src/sources/archive/plan.js";
import { METRICS, readCsvSql } from "../src/sources/archive/formats.js";
import { stageArchiveCsvs } from "../src/sources/archive/stage-csvs.js";
import { emptyCounts, storeSink } from "../src/ingest/index.js";
import { PARQUET_COPY_OPTIONS } from "../src/store/merge-partition.js";

const DAY = 86_400_000;
const SYMBOLS = ["BTC", "ETH", "SOL", "BNB", "XRP", "DOGE", "ADA", "AVAX", "LINK", "DOT"].slice(
  0,
  benchShort ? 2 : 10,
);
const DAYS = benchShort ? 3 : 30;
const ROUNDS = benchShort ? 1 : 3;
const start = Date.UTC(2024, 0, 1);
const now = Date.UTC(2024, 6, 1);
const HEADER =
  "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio," +
  "sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio";

/** Daily metrics CSVs in Binance's layout, per symbol. */
async function writeCsvs(dir: string): Promise<Map<string, string[]>> {
  const bySymbol = new Map<string, string[]>();
  let seed = 11;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (const base of SYMBOLS) {
    const files: string[] = [];
    for (let d = 0; d < DAYS; d++) {
      const lines = [HEADER];
      for (let m = 0; m < 288; m++) {
        const ts = new Date(start + d * DAY + m * 300_000).toISOString().slice(0, 19).replace("T", " ");
        const oi = 50_000 + rnd() * 1_000;
        lines.push(
          `${ts},${base}USDT,${oi.toFixed(8)},${(oi * 40_000).toFixed(8)},${(1 + rnd()).toFixed(10)},` +
            `${(1 + rnd()).toFixed(10)},${(1 + rnd()).toFixed(10)},${(0.5 + rnd()).toFixed(10)}`,
        );
      }
      const file = path.join(
        dir,
        `${base}USDT-metrics-${new Date(start + d * DAY).toISOString().slice(0, 10)}.csv`,
      );
      await writeFile(file, lines.join("\n") + "\n");
      files.push(file);
    }
    bySymbol.set(base, files);
  }
  return bySymbol;
}

async function bareDuckDB(files: string[], out: string): Promise<number> {
  const duck = await openDuckDB({ threads: 2 });
  try {
    const t = performance.now();
    await duck.connection.run(
      `COPY (SELECT * FROM ${readCsvSql(files, METRICS)} ORDER BY symbol, create_time) TO '${out}' (${PARQUET_COPY_OPTIONS})`,
    );
    return performance.now() - t;
  } finally {
    duck.close();
  }
}

async function ours(bySymbol: Map<string, string[]>, dir: string): Promise<number> {
  const store = await openDatasetStore({ dir, threads: 2, nowMs: () => now });
  try {
    const t0 = performance.now();
    const sink = storeSink(store, { datasetDir: dir, runId: "bench" });
    for (const [base, csvPaths] of bySymbol) {
      const symbol = toArchiveSymbol(`${base}/USDT:USDT`);
      const files = csvPaths.map((csvPath, d) => ({
        csvPath,
        range: { startMs: start + d * DAY, endMs: start + (d + 1) * DAY },
      }));
      // The importer's path for each table the files feed (see importArchiveRange).
      for (const table of ["long_short_ratios", "open_interest"] as const) {
        const counts = emptyCounts();
        await stageArchiveCsvs({
          store,
          sink,
          table,
          symbol,
          format: METRICS,
          files,
          startMs: start,
          endMs: now,
          nowMs: now,
          counts,
        });
        if (counts.accepted !== DAYS * 24) throw new Error(`${base} ${table}: ${counts.accepted} rows`);
      }
    }
    await store.commit();
    return performance.now() - t0;
  } finally {
    await store.close();
  }
}

const work = await mkdtemp(path.join(tmpdir(), "cexdata-metrics-bench-"));
try {
  const bySymbol = await writeCsvs(work);
  const all = [...bySymbol.values()].flat();
  const rows = all.length * 288;
  let bare = Infinity;
  let mine = Infinity;
  // Best of ROUNDS, the two interleaved: a shared machine's load hits both alike.
  for (let round = 0; round < ROUNDS; round++) {
    bare = Math.min(bare, await bareDuckDB(all, path.join(work, `bare-${round}.parquet`)));
    mine = Math.min(mine, await ours(bySymbol, path.join(work, `dataset-${round}`)));
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  reportBench({
    name: "archive import of a month of metrics, 10 symbols",
    unit: "time x bare DuckDB",
    ours: rows / (mine / 1000),
    baseline: rows / (bare / 1000),
    baselineName: "DuckDB read_csv -> COPY parquet, metrics rows/s",
    ratio: mine / bare,
    target: "<= 2",
    notes: `${SYMBOLS.length} symbols x ${DAYS} daily files (${rows} 5-minute rows) -> long_short_ratios and open_interest (hourly rows), 2 threads, best of ${ROUNDS}; ours ${Math.round(mine)} ms, bare ${Math.round(bare)} ms; load ${load}`,
  });
} finally {
  await rm(work, { recursive: true, force: true });
}
