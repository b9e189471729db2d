import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";
import { readAllTables } from "./reliability/reliability-support.js";

// Issue 18: series of one exchange run side by side, sharing its rate limiter. What a series stores
// must not depend on the order the series ran in, nor on how many ran at once.
const SEED = 18;
const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const logger = pino({ level: "silent" });
const configWith = (concurrency: number) =>
  parseConfig({
    exchanges: ["binance", "okx", "bybit", "coinbase"],
    bases: ["BTC", "ETH", "SOL"],
    since: NOW - 8 * 3_600_000,
    concurrency,
  });

let sim: ExchangeSimulator;
let root: string;
beforeAll(async () => {
  // A little latency, so concurrent series really interleave their requests.
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => NOW, latency: { minMs: 2, maxMs: 20 } });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-concurrency-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
});

/** What a reader of the dataset sees: every table's rows, and the gaps spec.json lists. */
async function datasetOf(dir: string) {
  const spec = JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")) as {
    tables: Record<string, { gaps?: unknown[] }>;
  };
  const gaps = Object.fromEntries(Object.entries(spec.tables).map(([t, v]) => [t, v.gaps ?? []]));
  return { rows: await readAllTables(dir), gaps };
}

describe("concurrent series", () => {
  it("store the same dataset as one series after another", async () => {
    const run = async (name: string, concurrency: number) => {
      const dir = path.join(root, name);
      const { report } = await runCycle({
        config: configWith(concurrency),
        datasetDir: dir,
        logger,
        env: sim.env(),
        nowMs: () => NOW,
      });
      expect(report.failures, name).toEqual([]);
      return { dir, report };
    };
    const sequential = await run("sequential", 1);
    const concurrent = await run("concurrent", 8);
    const reference = await datasetOf(sequential.dir);
    for (const table of ["ohlcv_1m", "ohlcv_1h", "funding_rates", "open_interest", "liquidations"])
      expect(reference.rows[table]!.length, table).toBeGreaterThan(0);
    expect(await datasetOf(concurrent.dir)).toEqual(reference);
    // Both asked for the same pages, and the shared limiter kept the concurrent one under the limits:
    // concurrency changes when requests go, not which.
    const asked = (r: typeof sequential.report) =>
      Object.fromEntries(Object.entries(r.requests).map(([id, s]) => [id, [s.requests, s.rateLimited]]));
    expect(asked(concurrent.report)).toEqual(asked(sequential.report));
    for (const [id, s] of Object.entries(concurrent.report.requests)) expect(s.rateLimited, id).toBe(0);
  });
});
