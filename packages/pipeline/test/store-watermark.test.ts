import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDatasetSpec } from "@cexdata/schema";
import { DatasetLockedError, openDatasetStore, type DatasetStore } from "../src/store/index.js";
import { LATER, loadFreqtradeFundingRows, makeOhlcvRows, makeTempDir } from "./store-fixture-rows.js";

let dir: string;
let store: DatasetStore;
beforeEach(async () => {
  dir = await makeTempDir();
  store = await openDatasetStore({ dir, nowMs: () => LATER });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("readWatermark", () => {
  it("is the last stored ts of the series, across monthly files, from the Parquet files", async () => {
    const btc = { exchange: "binance", symbol: "BTC/USDT", market: "spot" } as const;
    expect(await store.readWatermark("ohlcv_1m", btc)).toBeNull();
    await store.stage("ohlcv_1m", makeOhlcvRows(100, Date.UTC(2024, 0, 31, 23)), "rest");
    // Another series whose data runs later must not move BTC's watermark.
    await store.stage(
      "ohlcv_1m",
      makeOhlcvRows(10, Date.UTC(2024, 2, 1), { base: "ETH", symbol: "ETH/USDT" }),
      "rest",
    );
    await store.stage("ohlcv_1m", makeOhlcvRows(10, Date.UTC(2024, 2, 1), { exchange: "okx" }), "rest");
    expect(await store.readWatermark("ohlcv_1m", btc)).toBeNull();
    await store.commit();
    expect(await store.readWatermark("ohlcv_1m", btc)).toBe(Date.UTC(2024, 0, 31, 23) + 99 * 60_000);
    expect(await store.readWatermark("ohlcv_1m", { exchange: "okx", symbol: "BTC/USDT" })).toBe(
      Date.UTC(2024, 2, 1, 0, 9),
    );
    expect(await store.readWatermark("ohlcv_1m", { ...btc, market: "perp" })).toBeNull();
    expect(await store.readWatermark("ohlcv_1h", btc)).toBeNull();
  });

  it("reads funding watermarks with Binance's ms past the hour", async () => {
    const funding = await loadFreqtradeFundingRows();
    await store.stage("funding_rates", funding, "rest");
    await store.commit();
    const last = Math.max(...funding.map((r) => r.ts));
    expect(await store.readWatermark("funding_rates", { exchange: "binance", symbol: "XRP/USDT:USDT" })).toBe(
      last,
    );
  });
});

describe("spec.json extras and the writer lock", () => {
  it("records gaps per series and merges coverage windows, bumping the version only when they change", async () => {
    const gap = {
      exchange: "binance",
      symbol: "BTC/USDT",
      market: "spot",
      start: "2024-01-01T00:05:00.000Z",
      end: "2024-01-01T00:06:00.000Z",
      missing: 2,
    };
    store.setGaps("ohlcv_1m", [gap]);
    store.addCoverage("liquidations", [
      { exchange: "okx", start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T01:00:00.000Z" },
      { exchange: "okx", start: "2024-01-01T00:30:00.000Z", end: "2024-01-01T02:00:00.000Z" },
    ]);
    expect((await store.commit()).version).toBe(1);
    store.setGaps("ohlcv_1m", [gap]);
    expect((await store.commit()).version).toBe(1);
    const spec = parseDatasetSpec(JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")));
    expect(spec.tables.ohlcv_1m!.gaps).toEqual([gap]);
    expect(spec.tables.liquidations!.coverage).toEqual([
      { exchange: "okx", start: "2024-01-01T00:00:00.000Z", end: "2024-01-01T02:00:00.000Z" },
    ]);
    store.setGaps("ohlcv_1m", [], { series: [{ exchange: "binance", symbol: "BTC/USDT", market: "spot" }] });
    expect((await store.commit()).version).toBe(2);
  });

  it("refuses a second writer on the same directory while the first is open", async () => {
    await expect(openDatasetStore({ dir })).rejects.toBeInstanceOf(DatasetLockedError);
  });
});
