import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExchangeInfoRow, TokenInfoRow } from "@cexdata/schema";
import { openDatasetStore, openDuckDB, type DatasetStore } from "../src/store/index.js";
import { validateRows } from "../src/validate/index.js";
import { LATER, makeOhlcvRows, makeTempDir } from "./store-fixture-rows.js";

// Snapshot tables (exchange_info, token_info) take the latest staged row; time series keep theirs.
let dir: string;
let store: DatasetStore;

const DAY = 86_400_000;
const RUN_1 = Date.UTC(2024, 5, 1);
const RUN_2 = RUN_1 + DAY;

function market(
  symbol: string,
  updatedAt: number,
  overrides: Partial<ExchangeInfoRow> = {},
): ExchangeInfoRow {
  const [base, quote] = symbol.split("/") as [string, string];
  return {
    exchange: "binance",
    symbol,
    market: "spot",
    base,
    quote,
    active: true,
    contract_size: null,
    tick_size: 0.01,
    amount_step: 0.00001,
    min_amount: 0.00001,
    min_notional: 5,
    maker_fee: 0.001,
    taker_fee: 0.001,
    listed_at: null,
    delisted_at: null,
    updated_at: updatedAt,
    ...overrides,
  };
}

function token(base: string, updatedAt: number, lastTs: number): TokenInfoRow {
  return {
    base,
    name: null,
    exchanges: ["binance"],
    markets: 1,
    delisted_markets: 0,
    first_ts: Date.UTC(2020, 0, 1),
    last_ts: lastTs,
    updated_at: updatedAt,
  };
}

async function stageValid<T extends "exchange_info" | "token_info">(
  table: T,
  rows: readonly (T extends "exchange_info" ? ExchangeInfoRow : TokenInfoRow)[],
  nowMs: number,
): Promise<void> {
  const { accepted, rejected } = validateRows(table, rows, { source: "rest", nowMs });
  expect(rejected).toEqual([]);
  await store.stage(table, accepted, "rest");
}

async function readTable(table: string): Promise<Record<string, unknown>[]> {
  const duck = await openDuckDB();
  try {
    const reader = await duck.connection.runAndReadAll(
      `SELECT * REPLACE (epoch_ms(updated_at)::DOUBLE AS updated_at) FROM read_parquet($file)`,
      { file: path.join(dir, "data", table, "all.parquet") },
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    duck.close();
  }
}

beforeEach(async () => {
  dir = await makeTempDir();
  store = await openDatasetStore({ dir, nowMs: () => LATER });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("snapshot tables take the latest row", () => {
  it("replaces a stored exchange_info row when a later run sees the market delisted", async () => {
    await stageValid("exchange_info", [market("BTC/USDT", RUN_1), market("LUNA/USDT", RUN_1)], RUN_1);
    await store.commit();
    await stageValid(
      "exchange_info",
      [market("BTC/USDT", RUN_2, { taker_fee: 0.00075 }), market("LUNA/USDT", RUN_2, { active: false })],
      RUN_2,
    );
    const result = await store.commit();

    expect(result.version).toBe(2);
    expect(result.changedFiles).toEqual(["data/exchange_info/all.parquet"]);
    const rows = await readTable("exchange_info");
    expect(rows.map((r) => [r["symbol"], r["active"], r["taker_fee"], r["updated_at"]])).toEqual([
      ["BTC/USDT", true, 0.00075, RUN_2],
      ["LUNA/USDT", false, 0.001, RUN_2],
    ]);
    expect(store.spec?.tables.exchange_info?.files[0]?.max_ts).toBe(new Date(RUN_2).toISOString());
  });

  it("keeps markets the later run did not see, and takes the last of two rows staged in one commit", async () => {
    await stageValid("exchange_info", [market("BTC/USDT", RUN_1), market("ETH/USDT", RUN_1)], RUN_1);
    await store.commit();
    await stageValid("exchange_info", [market("ETH/USDT", RUN_2, { active: false })], RUN_2);
    await stageValid("exchange_info", [market("ETH/USDT", RUN_2 + 1, { active: true })], RUN_2 + 1);
    await store.commit();
    const rows = await readTable("exchange_info");
    expect(rows.map((r) => [r["symbol"], r["active"], r["updated_at"]])).toEqual([
      ["BTC/USDT", true, RUN_1],
      ["ETH/USDT", true, RUN_2 + 1],
    ]);
  });

  it("keeps the newer row when an older one is staged later (a shard seeded with stale rows)", async () => {
    await stageValid("exchange_info", [market("BTC/USDT", RUN_2, { active: false })], RUN_2);
    await store.commit();
    await stageValid("exchange_info", [market("BTC/USDT", RUN_1)], RUN_2);
    const result = await store.commit();
    expect(result).toMatchObject({ version: 1, changedFiles: [] });
    const rows = await readTable("exchange_info");
    expect(rows.map((r) => [r["active"], r["updated_at"]])).toEqual([[false, RUN_2]]);
  });

  it("updates token_info's last_ts and updated_at on the next run", async () => {
    await stageValid("token_info", [token("BTC", RUN_1, RUN_1 - DAY)], RUN_1);
    await store.commit();
    await stageValid("token_info", [token("BTC", RUN_2, RUN_2 - DAY)], RUN_2);
    await store.commit();
    const rows = await readTable("token_info");
    expect(rows).toHaveLength(1);
    expect(rows[0]!["updated_at"]).toBe(RUN_2);
    expect(rows[0]!["last_ts"]).toEqual(new Date(RUN_2 - DAY));
  });

  it("leaves every byte and the version alone when a rerun stages the same snapshot", async () => {
    const rows = [market("BTC/USDT", RUN_1), market("ETH/USDT", RUN_1, { active: false })];
    await stageValid("exchange_info", rows, RUN_1);
    await stageValid("token_info", [token("BTC", RUN_1, RUN_1 - DAY)], RUN_1);
    await store.commit();
    const files = ["spec.json", "data/exchange_info/all.parquet", "data/token_info/all.parquet"];
    const before = await Promise.all(files.map((f) => readFile(path.join(dir, f))));
    await stageValid("exchange_info", [...rows].reverse(), RUN_1);
    await stageValid("token_info", [token("BTC", RUN_1, RUN_1 - DAY)], RUN_1);
    const result = await store.commit();
    expect(result).toMatchObject({ version: 1, changedFiles: [] });
    expect(await Promise.all(files.map((f) => readFile(path.join(dir, f))))).toEqual(before);
  });

  it("still keeps a stored candle over a later REST one (time series are not snapshots)", async () => {
    const start = Date.UTC(2024, 0, 1);
    await store.stage("ohlcv_1m", makeOhlcvRows(2, start), "rest");
    await store.commit();
    await store.stage("ohlcv_1m", makeOhlcvRows(2, start, { close: 99 }), "rest");
    const result = await store.commit();
    expect(result).toMatchObject({ version: 1, changedFiles: [] });
  });
});
