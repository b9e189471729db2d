// Raw capture (issue 22): what keeping the bodies of forgotten history costs a scheduled run.
// Two datasets follow the default config (BTC and ETH, four exchanges, every table) through a day of
// the default schedule (hourly) against the simulators, one capturing, one not, run alternately so
// both see the same machine load: wall time with capture / without (target <= 1.10), and the bytes
// the raw layer gains per day (gzipped, as stored).
//   pnpm bench raw-capture        (BENCH_SHORT=1: two hourly runs, bytes extrapolated to 24)
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator } from "@cexdata/testkit";
import { reportBench } from "../../../bench/report.js";
import { loadConfig } from "../src/config/load-config.js";
import { listRawFiles } from "../src/raw/raw-log.js";
import { runCycle } from "../src/run/run-cycle.js";

const short = process.env["BENCH_SHORT"] === "1" || process.env["CI"] === "true";
const HOURLY_RUNS = short ? 2 : 24;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1, 0, 7, 0);

async function rawBytes(dir: string): Promise<number> {
  let bytes = 0;
  for (const file of await listRawFiles(dir)) bytes += (await stat(file)).size;
  return bytes;
}

let now = T0;
const sim = await startExchangeSimulator({ seed: 5, nowMs: () => now });
const root = await mkdtemp(path.join(tmpdir(), "cexdata-bench-raw-"));
const logger = pino({ level: "silent" });
try {
  const config = await loadConfig();
  const dirs = { capturing: path.join(root, "capturing"), plain: path.join(root, "plain") };
  const run = async (which: keyof typeof dirs): Promise<number> => {
    const started = performance.now();
    const { report } = await runCycle({
      config,
      datasetDir: dirs[which],
      logger,
      env: sim.env(),
      nowMs: () => now,
      captureRaw: which === "capturing",
    });
    if (!report.ok) throw new Error(`${which} run failed: ${JSON.stringify(report.failures).slice(0, 400)}`);
    return performance.now() - started;
  };
  // The first run backfills the config's three days; the day measured is the scheduled runs after it.
  await run("capturing");
  await run("plain");
  const bytesBefore = await rawBytes(dirs.capturing);
  const ms = { capturing: 0, plain: 0 };
  for (let i = 1; i <= HOURLY_RUNS; i++) {
    now = T0 + i * HOUR;
    // Alternate which goes first, so neither always runs on a warmer cache.
    const order: (keyof typeof dirs)[] = i % 2 ? ["capturing", "plain"] : ["plain", "capturing"];
    for (const which of order) ms[which] += await run(which);
  }
  const perDay = ((await rawBytes(dirs.capturing)) - bytesBefore) * (24 / HOURLY_RUNS);
  reportBench({
    name: "raw capture: run wall time / without capture",
    unit: "ms",
    ours: ms.capturing,
    baseline: ms.plain,
    baselineName: "the same hourly runs with captureRaw: false",
    target: "<= 1.1",
    notes: `${HOURLY_RUNS} hourly runs of the default config each`,
  });
  reportBench({
    name: "raw layer bytes per day (default config)",
    unit: "bytes",
    ours: perDay,
    baseline: null,
    target: "<= 50000000",
    notes: `${(perDay / 1024).toFixed(0)} KiB/day gzipped from ${HOURLY_RUNS} hourly runs${short ? " (extrapolated to 24)" : ""}; REST only, the liquidation collector's messages come on top`,
  });
} finally {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
}
