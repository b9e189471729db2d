import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { Row, TableName } from "@cexdata/schema";
// The pipeline's store is the only writer of real datasets, so the client is tested against what it
// writes (a devDependency, never imported by src/).
import { openDatasetStore } from "@cexdata/pipeline";
import { Dataset, Token } from "../src/index.js";
import { toClientCandle } from "./support/make-rows.js";
import { buildStandardTables } from "./support/standard-tables.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it("reads a dataset written by the pipeline's store", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cexdata-store-"));
  dirs.push(dir);
  const tables = buildStandardTables({ minutes: 120 });
  const store = await openDatasetStore({ dir });
  for (const [table, rows] of Object.entries(tables) as [TableName, Row<TableName>[]][]) {
    await store.stage(table, rows, "rest");
  }
  await store.commit();
  await store.close();

  const dataset = new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
  const candles = await new Token("ETH", { dataset }).ohlcv({ interval: "1m" });
  const expected = tables.ohlcv_1m!.filter((r) => r.exchange === "okx" && r.symbol === "ETH/USDT");
  expect(candles).toEqual(expected.map(toClientCandle));
  expect((await new Token("BTC", { dataset }).ohlcv({ interval: "4h" })).length).toBeGreaterThan(0);
  expect(await new Token("BTC", { dataset }).fundingRates()).toHaveLength(30);
  await dataset.close();
});
