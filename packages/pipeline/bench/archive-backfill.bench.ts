/**
 * An archive backfill that scales: 12 months of Binance spot 1m candles (monthly zips from the archive
 * simulator, checksum-verified, imported, merged and committed) against 1 month, each in its own
 * process so its peak RSS is its own (the simulator runs in the parent, outside the measure). Time should grow with the data (<= 12.5x for 12x the candles)
 * and memory not at all (<= 1.2x): months are imported one after another, never held together.
 * BENCH_SHORT=1: 3 months against 1.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startArchiveSimulator } from "@cexdata/testkit";
import { benchShort, peakRssMiB, reportBench } from "../../../bench/report.js";
import { openDatasetStore } from "../src/store/index.js";
import { backfillFromArchive } from "../src/sources/archive/index.js";

const NOW = Date.UTC(2025, 0, 10);
const FIRST = Date.UTC(2024, 0, 1);
const LONG = benchShort ? 3 : 12;

interface BackfillResult {
  readonly months: number;
  readonly ms: number;
  readonly peakRssMiB: number;
  readonly candles: number;
}

/** One backfill of `months` months, in this process. */
async function backfill(months: number, archiveUrl: string): Promise<BackfillResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-bench-backfill-"));
  try {
    const store = await openDatasetStore({ dir, nowMs: () => NOW });
    const endMs = Date.UTC(2024, months, 1);
    const started = performance.now();
    const result = await backfillFromArchive({
      archiveUrl,
      store,
      runId: `bench-${months}`,
      market: "spot",
      symbol: "BTC/USDT",
      table: "ohlcv_1m",
      startMs: FIRST,
      endMs,
      nowMs: NOW,
      source: "archive",
    });
    await store.close();
    const ms = performance.now() - started;
    if (result.leftForRest.length) throw new Error(`the archive left ${result.leftForRest.length} ranges`);
    const candles = (endMs - FIRST) / 60_000;
    return { months, ms, peakRssMiB: await peakRssMiB(), candles };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function inChild(months: number, archiveUrl: string): Promise<BackfillResult> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BACKFILL_MONTHS: String(months), BACKFILL_ARCHIVE_URL: archiveUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (status !== 0) throw new Error(`backfill of ${months} months failed`);
  return JSON.parse(stdout.trim().split("\n").pop()!) as BackfillResult;
}

if (process.env["BACKFILL_MONTHS"]) {
  const months = Number(process.env["BACKFILL_MONTHS"]);
  process.stdout.write(`${JSON.stringify(await backfill(months, process.env["BACKFILL_ARCHIVE_URL"]!))}\n`);
} else {
  // The children download from this process: the simulator's memory is not theirs.
  const archive = await startArchiveSimulator({ seed: 3, nowMs: () => NOW });
  const one = await inChild(1, archive.url);
  const long = await inChild(LONG, archive.url);
  await archive.stop();
  const notes =
    `1 month: ${one.candles} candles in ${(one.ms / 1000).toFixed(1)} s, ${Math.round(one.peakRssMiB)} MiB; ` +
    `${LONG} months: ${long.candles} candles in ${(long.ms / 1000).toFixed(1)} s, ${Math.round(long.peakRssMiB)} MiB`;
  reportBench({
    name: "backfill 12 months / 1 month",
    unit: "time ratio",
    ours: long.ms,
    baseline: one.ms,
    baselineName: "the same backfill of 1 month",
    target: benchShort ? "<= 3.5" : "<= 12.5",
    notes,
  });
  reportBench({
    name: "backfill 12 months / 1 month, peak RSS",
    unit: "MiB ratio",
    ours: long.peakRssMiB,
    baseline: one.peakRssMiB,
    baselineName: "peak RSS of the 1-month backfill",
    target: "<= 1.2",
  });
}
