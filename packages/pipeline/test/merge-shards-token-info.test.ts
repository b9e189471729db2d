import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { mergeDatasetShards } from "../src/shards/index.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
let sim: ExchangeSimulator;
let dir: string;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 3, nowMs: () => NOW });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-merge-token-info-"));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A cycle into its own dataset dir: one exchange is a shard as the publish workflow makes one. */
async function runCycleOf(exchanges: string[]): Promise<string> {
  const datasetDir = path.join(dir, exchanges.join("-"));
  const config = parseConfig({
    exchanges,
    markets: ["spot"],
    bases: ["BTC", "ETH"],
    tables: ["ohlcv_1d", "exchange_info", "token_info"],
    intervals: ["1d"],
    since: NOW - 5 * 86_400_000,
  });
  const { report } = await runCycle({
    config,
    datasetDir,
    logger: pino({ level: "silent" }),
    env: sim.env(),
    nowMs: () => NOW,
  });
  expect(report.ok).toBe(true);
  return datasetDir;
}

it("token_info of merged shards is derived from the merged dataset: BTC lists every shard's exchange", async () => {
  const binance = await runCycleOf(["binance"]);
  const okx = await runCycleOf(["okx"]);
  expect((await readTable(binance, "token_info")).map((r) => [r.base, r.exchanges])).toEqual([
    ["BTC", ["binance"]],
    ["ETH", ["binance"]],
  ]);

  const out = path.join(dir, "merged");
  const result = await mergeDatasetShards({ shardDirs: [binance, okx], outDir: out, nowMs: () => NOW });
  expect(result.merged).toContain("data/token_info/all.parquet");
  expect((await verifyDataset({ dir: out, nowMs: () => NOW })).problems).toEqual([]);

  const tokenInfo = await readTable(out, "token_info");
  expect(tokenInfo.map((r) => [r.base, r.exchanges])).toEqual([
    ["BTC", ["binance", "okx"]],
    ["ETH", ["binance", "okx"]],
  ]);
  const btc = (await readTable(out, "ohlcv_1d")).filter((c) => c.base === "BTC").map((c) => Number(c.ts));
  expect(tokenInfo[0]).toMatchObject({ first_ts: Math.min(...btc), last_ts: Math.max(...btc) });
  // The same rows as one unsharded cycle over both exchanges writes.
  expect(tokenInfo).toEqual(await readTable(await runCycleOf(["binance", "okx"]), "token_info"));
});
