import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyDataset } from "../../src/store/index.js";
import { FULL, countRows, readAllTables, runCycleChild, seededRandom } from "./reliability-support.js";

// Issue 9, rule "kill the pipeline at any point and run it again": a multi-table run SIGKILLed at
// seeded random moments, rerun each time, ends equal to an uninterrupted run, row for row. The
// uninterrupted run fetches one series after another; the killed ones run several per exchange at
// once (the default concurrency), so the order series ran and stopped in changes nothing either.
const SEED = 9;
const KILLS = FULL ? 20 : 6;
const NOW = Date.UTC(2024, 2, 3, 4, 5, 6);
const CONFIG = {
  exchanges: ["binance", "okx", "bybit", "coinbase"],
  bases: ["BTC"],
  tables: [
    "ohlcv_1m",
    "ohlcv_1h",
    "funding_rates",
    "open_interest",
    "liquidations",
    "exchange_info",
    "token_info",
  ],
  intervals: ["1m", "1h"],
  since: NOW - 6 * 3_600_000,
};

let sim: ExchangeSimulator;
let root: string;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-rel-crash-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
});

describe("a run SIGKILLed at random moments", () => {
  it(`killed ${KILLS} times and rerun each time, ends equal to an uninterrupted run`, async () => {
    const cleanDir = path.join(root, "clean");
    const sequential = { ...CONFIG, concurrency: 1 };
    const clean = await runCycleChild({ datasetDir: cleanDir, config: sequential, nowMs: NOW }, sim.env());
    expect(clean.code, clean.stderr).toBe(0);
    const { progress } = JSON.parse(clean.stdout) as { progress: number };
    const reference = await readAllTables(cleanDir);
    for (const table of [
      "ohlcv_1m",
      "ohlcv_1h",
      "funding_rates",
      "open_interest",
      "liquidations",
      "exchange_info",
      "token_info",
    ])
      expect(reference[table]!.length, `${table} after ${clean.stdout}`).toBeGreaterThan(0);

    // Each kill on a fresh dataset, rerun there to completion; two at a time to keep the suite short.
    const random = seededRandom(SEED);
    const kills = Array.from({ length: KILLS }, () => ({
      atProgress: 1 + Math.floor(random() * progress),
      delayMs: Math.floor(random() * 40),
    }));
    let signalled = 0;
    const killAndRerun = async (i: number) => {
      const kill = kills[i]!;
      const dir = path.join(root, `killed-${i}`);
      const job = { datasetDir: dir, config: CONFIG, nowMs: NOW };
      const killed = await runCycleChild(
        { ...job, killAtProgress: kill.atProgress, killDelayMs: kill.delayMs },
        sim.env(),
      );
      expect(killed.signal, `kill ${i} ${JSON.stringify(kill)}: ${killed.stderr}`).toBe("SIGKILL");
      signalled += 1;
      const rerun = await runCycleChild(job, sim.env());
      expect(rerun.code, rerun.stderr).toBe(0);
      // A rerun that failed a series would show up below as missing rows; say why here instead.
      expect((JSON.parse(rerun.stdout) as { failures: unknown[] }).failures, `kill ${i} rerun`).toEqual([]);
      expect((await verifyDataset({ dir, nowMs: () => NOW })).problems, `kill ${i}`).toEqual([]);
      expect(await readAllTables(dir), `kill ${i} ${JSON.stringify(kill)}`).toEqual(reference);
      expect(await readdir(path.join(dir, ".cexdata"))).toEqual(
        await readdir(path.join(cleanDir, ".cexdata")),
      );
    };
    for (let i = 0; i < KILLS; i += 2)
      await Promise.all([i, i + 1].filter((j) => j < KILLS).map(killAndRerun));
    expect(signalled).toBe(KILLS);
    console.info(
      `[reliability] crash-rerun: ${signalled} kills at progress events ${kills.map((k) => k.atProgress).join(",")}, ${countRows(reference)} rows compared, ${progress} progress events per run`,
    );
  }, 600_000);
});
