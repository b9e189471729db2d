import type { DatasetStore } from "../src/store/index.js";
import { makeOhlcvRows } from "./store-fixture-rows.js";

export const CRASH_CLOCK = Date.UTC(2025, 0, 1);
const JAN = Date.UTC(2024, 0, 31, 12);

/** Run 1 seeds BTC and ETH across Jan/Feb 2024; run 2 overlaps it, extends it and brings archive corrections. */
export async function stageCrashRun(store: DatasetStore, run: number): Promise<void> {
  const eth = { base: "ETH", symbol: "ETH/USDT" };
  if (run === 1) {
    await store.stage("ohlcv_1m", makeOhlcvRows(1500, JAN), "rest");
    await store.stage("ohlcv_1m", makeOhlcvRows(1000, JAN, eth), "rest");
    return;
  }
  await store.stage("ohlcv_1m", makeOhlcvRows(3000, JAN), "rest");
  await store.stage("ohlcv_1m", makeOhlcvRows(2000, JAN, eth), "rest");
  await store.stage(
    "ohlcv_1m",
    makeOhlcvRows(100, JAN, { ...eth, close: 100.5, open: 100, high: 103, low: 99 }),
    "archive",
  );
  await store.stage(
    "ohlcv_1h",
    makeOhlcvRows(24, Date.UTC(2024, 1, 1)).map((r, i) => ({ ...r, ts: Date.UTC(2024, 1, 1, i) })),
    "rest",
  );
}
