import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseDatasetSpec } from "@cexdata/schema";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { publishDataset, pullDataset, recentPartitions } from "../src/publish/index.js";
import { mergeDatasetShards } from "../src/shards/index.js";
import {
  captureLogger,
  makeTempDir,
  sha256Hex,
  writeTestDataset,
  type CandleFile,
} from "./publish-fixture.js";

const REPO = "cexdata/market-data";
const day = (base: string, count: number, others?: CandleFile["others"]): CandleFile => ({
  table: "ohlcv_1d",
  base,
  start: "2024-01-01T00:00:00Z",
  count,
  price: base === "BTC" ? 40_000 : 100,
  ...(others && { others }),
});
const hour = (start: string): CandleFile => ({
  table: "ohlcv_1h",
  base: "BTC",
  start,
  count: 4,
  price: 41_000,
});

let hub: HubSimulator;
const dirs: Awaited<ReturnType<typeof makeTempDir>>[] = [];
const tempDir = async () => {
  const d = await makeTempDir("shards");
  dirs.push(d);
  return d.dir;
};
beforeEach(async () => {
  hub = await startHubSimulator();
});
afterEach(async () => {
  await hub.stop();
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});
const hubParams = () => ({ repo: REPO, accessToken: hub.token, hubUrl: hub.url });

async function countByExchange(file: string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(
    `SELECT exchange, count(*)::INTEGER AS n FROM read_parquet('${file}') GROUP BY exchange ORDER BY exchange`,
  );
  const out = Object.fromEntries(reader.getRowObjectsJS().map((r) => [String(r.exchange), Number(r.n)]));
  conn.closeSync();
  instance.closeSync();
  return out;
}

it("merges exchange shards into one dataset (row-merging a partition both changed) and publishes it in one commit", async () => {
  const baseDir = await tempDir();
  const base = await writeTestDataset(baseDir, { version: 1, files: [day("BTC", 30), day("SOL", 10)] });
  await publishDataset({ ...hubParams(), datasetDir: baseDir, logger: captureLogger().logger });

  // binance shard: one more BTC candle and a new token; okx shard: its BTC series in the same partition.
  const binance = await tempDir();
  await writeTestDataset(binance, { version: 2, files: [day("BTC", 31), day("SOL", 10), day("ETH", 5)] });
  const okx = await tempDir();
  await writeTestDataset(okx, {
    version: 2,
    files: [day("BTC", 30, [{ exchange: "okx", count: 30 }]), day("SOL", 10)],
  });
  await rm(path.join(okx, "data/ohlcv_1d/base=SOL/all.parquet")); // seeded without the partition it never touched

  const out = path.join(await tempDir(), "merged");
  const merged = await mergeDatasetShards({ shardDirs: [binance, okx], outDir: out, baseSpec: base });

  expect(merged.copied).toEqual(["data/ohlcv_1d/base=ETH/all.parquet"]);
  expect(merged.merged).toEqual(["data/ohlcv_1d/base=BTC/all.parquet"]);
  expect(await countByExchange(path.join(out, "data/ohlcv_1d/base=BTC/all.parquet"))).toEqual({
    binance: 31,
    okx: 30,
  });
  expect(existsSync(path.join(out, "data/ohlcv_1d/base=SOL/all.parquet"))).toBe(false);

  const commitsBefore = hub.counters.commits;
  const published = await publishDataset({ ...hubParams(), datasetDir: out, logger: captureLogger().logger });
  expect(hub.counters.commits - commitsBefore).toBe(1);
  expect(published.uploaded).toEqual([
    "data/ohlcv_1d/base=BTC/all.parquet",
    "data/ohlcv_1d/base=ETH/all.parquet",
  ]);

  const spec = parseDatasetSpec(
    JSON.parse(new TextDecoder().decode(hub.getFile(`datasets/${REPO}`, "main", "spec.json"))),
  );
  expect(spec.version).toBeGreaterThan(1);
  const files = spec.tables.ohlcv_1d!.files;
  expect(files.map((f) => f.path).sort()).toEqual([
    "data/ohlcv_1d/base=BTC/all.parquet",
    "data/ohlcv_1d/base=ETH/all.parquet",
    "data/ohlcv_1d/base=SOL/all.parquet",
  ]);
  expect(files.find((f) => f.path.includes("BTC"))!.rows).toBe(61);
  for (const f of files) expect(sha256Hex(hub.getFile(`datasets/${REPO}`, "main", f.path)!)).toBe(f.sha256);
});

it("pulls spec.json and only the recent partitions; publishing the pulled dir unchanged makes no commit", async () => {
  const src = await tempDir();
  await writeTestDataset(src, {
    version: 1,
    files: [day("BTC", 30), hour("2023-12-31T00:00:00Z"), hour("2024-02-01T00:00:00Z")],
  });
  await publishDataset({ ...hubParams(), datasetDir: src, logger: captureLogger().logger });

  const seeded = await tempDir();
  const pulled = await pullDataset({
    ...hubParams(),
    datasetDir: seeded,
    include: recentPartitions(Date.parse("2024-01-15T00:00:00Z")),
  });

  expect([...pulled.downloaded].sort()).toEqual([
    "data/ohlcv_1d/base=BTC/all.parquet",
    "data/ohlcv_1h/base=BTC/2024.parquet",
  ]);
  expect(existsSync(path.join(seeded, "data/ohlcv_1h/base=BTC/2023.parquet"))).toBe(false);
  const commitsBefore = hub.counters.commits;
  const again = await publishDataset({ ...hubParams(), datasetDir: seeded, logger: captureLogger().logger });
  expect(again.commit).toBeNull();
  expect(hub.counters.commits).toBe(commitsBefore);
});

it("refuses to publish a listed file that is missing locally when the Hub lacks it", async () => {
  const dir = await tempDir();
  await writeTestDataset(dir, { version: 1, files: [day("BTC", 3), day("ETH", 3)] });
  await rm(path.join(dir, "data/ohlcv_1d/base=ETH/all.parquet"));
  await expect(
    publishDataset({ ...hubParams(), datasetDir: dir, logger: captureLogger().logger }),
  ).rejects.toMatchObject({
    name: "PublishError",
    code: "local-dataset",
  });
});
