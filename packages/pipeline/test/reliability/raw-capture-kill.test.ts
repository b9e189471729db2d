import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRawFiles, readRawFile } from "../../src/raw/raw-log.js";
import { replayRaw } from "../../src/replay/replay-raw.js";
import { FULL, readAllTables, runCycleChild, seededRandom } from "./reliability-support.js";

// Issue 22: "a SIGKILL during capture, then a rerun and a replay, leaves no duplicate and no lost
// record". Runs that capture what OKX and Binance forget are killed at seeded moments and rerun; the
// raw layer then holds whole records only, and replaying it adds and changes nothing.
const SEED = 22;
const KILLS = FULL ? 10 : 2;
const NOW = Date.UTC(2024, 6, 3, 4, 5, 6);
const CONFIG = {
  exchanges: ["binance", "okx"],
  markets: ["perp"],
  bases: ["BTC", "ETH"],
  tables: ["funding_rates", "open_interest", "liquidations"],
  since: NOW - 3 * 24 * 3_600_000,
};
const FORGOTTEN = new Set([
  "okx|funding_rates",
  "okx|open_interest",
  "okx|liquidations",
  "binance|open_interest",
]);

let sim: ExchangeSimulator;
let root: string;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-rel-raw-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
});

describe("raw capture killed at random moments", () => {
  it(`killed ${KILLS} times and rerun, the raw layer replays to the same dataset, nothing doubled or lost`, async () => {
    const cleanDir = path.join(root, "clean");
    const clean = await runCycleChild({ datasetDir: cleanDir, config: CONFIG, nowMs: NOW }, sim.env());
    expect(clean.code, clean.stderr).toBe(0);
    const { progress } = JSON.parse(clean.stdout) as { progress: number };
    const reference = await readAllTables(cleanDir);

    const random = seededRandom(SEED);
    for (let i = 0; i < KILLS; i++) {
      const kill = { atProgress: 1 + Math.floor(random() * progress), delayMs: Math.floor(random() * 40) };
      const dir = path.join(root, `killed-${i}`);
      const job = { datasetDir: dir, config: CONFIG, nowMs: NOW };
      const killed = await runCycleChild(
        { ...job, killAtProgress: kill.atProgress, killDelayMs: kill.delayMs },
        sim.env(),
      );
      expect(killed.signal, `kill ${i} ${JSON.stringify(kill)}: ${killed.stderr}`).toBe("SIGKILL");
      const rerun = await runCycleChild(job, sim.env());
      expect(rerun.code, rerun.stderr).toBe(0);

      // Whole records only, every one readable: the killed run's file was sealed by the rerun.
      const files = await listRawFiles(dir, { includeActive: true });
      expect(
        files.every((f) => f.endsWith(".jsonl.gz")),
        `kill ${i}: ${files.join(", ")}`,
      ).toBe(true);
      for (const file of files) expect((await readRawFile(file)).problems, file).toEqual([]);

      const dry = await replayRaw({
        datasetDir: dir,
        dryRun: true,
        logger: pino({ level: "silent" }),
        env: sim.env(),
        nowMs: () => NOW,
      });
      expect(dry.problems, `kill ${i}`).toEqual([]);
      // Nothing lost: every stored row of what the exchanges forget comes back from the raw layer.
      // Nothing doubled: replaying adds and changes nothing, and the dataset equals an unkilled run's.
      expect(dry.changes, `kill ${i} ${JSON.stringify(kill)}`).toEqual([]);
      expect(await readAllTables(dir)).toEqual(reference);
      // And the raw layer alone rebuilds every forgotten series, row for row.
      const rebuilt = path.join(root, `rebuilt-${i}`);
      await cp(path.join(dir, "raw"), path.join(rebuilt, "raw"), { recursive: true });
      await replayRaw({
        datasetDir: rebuilt,
        logger: pino({ level: "silent" }),
        env: sim.env(),
        nowMs: () => NOW,
      });
      const fromRaw = await readAllTables(rebuilt);
      for (const table of ["funding_rates", "open_interest", "liquidations"]) {
        const forgotten = (rows: Record<string, unknown>[] = []) =>
          rows.filter((r) => FORGOTTEN.has(`${String(r.exchange)}|${table}`));
        expect(forgotten(fromRaw[table]), `kill ${i} ${table}`).toEqual(forgotten(reference[table]));
        expect(forgotten(reference[table]).length, table).toBeGreaterThan(0);
      }
    }
  }, 600_000);
});
