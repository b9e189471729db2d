import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  generateCandles,
  startArchiveSimulator,
  startExchangeSimulator,
  type ArchiveSimulator,
  type ExchangeSimulator,
} from "@cexdata/testkit";
import { createAdapter } from "../src/exchanges/registry.js";
import { openDuckDB, type DuckDBHandle } from "../src/store/duckdb.js";
import { openDatasetStore } from "../src/store/index.js";
import { backfillFromArchive, createRestFillGap, formatArchiveReport } from "../src/sources/archive/index.js";
import { firstDifference, readStoredCandles } from "./archive-helpers.js";

const NOW = Date.UTC(2025, 2, 10, 12, 30);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
let archive: ArchiveSimulator;
let exchange: ExchangeSimulator;
let db: DuckDBHandle;
const dirs: string[] = [];

beforeAll(async () => {
  archive = await startArchiveSimulator({ seed: 1, nowMs: () => NOW });
  exchange = await startExchangeSimulator({ seed: 1, nowMs: () => NOW });
  db = await openDuckDB();
});
afterAll(async () => {
  await archive.stop();
  await exchange.stop();
  db.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function newStore() {
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-archive-test-"));
  dirs.push(dir);
  return openDatasetStore({ dir, nowMs: () => NOW });
}

function restFillGap() {
  const adapter = createAdapter("binance", { env: exchange.env() });
  return createRestFillGap({ adapter, nowMs: () => NOW });
}

const expected = (symbol: string, interval: "1m" | "1h", startMs: number, endMs: number) =>
  generateCandles({ seed: 1, exchange: "binance", symbol, interval, startMs, endMs });

describe("backfill from the Binance archive", () => {
  test("spot 1m across 2025-01-01 (ms -> µs) stores exactly the generator's series", async () => {
    const store = await newStore();
    try {
      const [startMs, endMs] = [day("2024-11-29"), day("2025-01-03")];
      const result = await backfillFromArchive({
        archiveUrl: archive.url,
        store,
        runId: "spot-2025",
        market: "spot",
        symbol: "BTC/USDT",
        table: "ohlcv_1m",
        startMs,
        endMs,
        nowMs: NOW,
        source: "archive",
      });
      expect(result.leftForRest).toEqual([]);
      expect(result.imported.map((i) => i.file)).toEqual([
        "BTCUSDT-1m-2024-11.zip",
        "BTCUSDT-1m-2024-12.zip",
        "BTCUSDT-1m-2025-01.zip",
      ]);
      const stored = await readStoredCandles(db.connection, store.dir, store.spec, "ohlcv_1m", {
        market: "spot",
        symbol: "BTC/USDT",
      });
      expect(firstDifference(stored, expected("BTC/USDT", "1m", startMs, endMs))).toBeNull();
      const edge = stored.filter(
        (c) => c.ts >= day("2024-12-31") + 86_340_000 && c.ts < day("2025-01-01") + 120_000,
      );
      expect(edge.map((c) => new Date(c.ts).toISOString())).toEqual([
        "2024-12-31T23:59:00.000Z",
        "2025-01-01T00:00:00.000Z",
        "2025-01-01T00:01:00.000Z",
      ]);
    } finally {
      await store.close();
    }
  });

  test("USDⓈ-M 1m across 2022-05 (no header -> header) stores exactly the generator's series", async () => {
    const store = await newStore();
    try {
      const [startMs, endMs] = [day("2022-04-29"), day("2022-05-02")];
      const result = await backfillFromArchive({
        archiveUrl: archive.url,
        store,
        runId: "perp-2022",
        market: "perp",
        symbol: "BTC/USDT:USDT",
        table: "ohlcv_1m",
        startMs,
        endMs,
        nowMs: NOW,
        source: "archive",
      });
      expect(result.leftForRest).toEqual([]);
      expect(result.rejectedByReason).toEqual({});
      const stored = await readStoredCandles(db.connection, store.dir, store.spec, "ohlcv_1m", {
        market: "perp",
        symbol: "BTC/USDT:USDT",
      });
      expect(firstDifference(stored, expected("BTC/USDT:USDT", "1m", startMs, endMs))).toBeNull();
      expect(stored.some((c) => c.ts === day("2022-05-01"))).toBe(true);
      expect(stored.some((c) => c.ts === day("2022-05-01") - 60_000)).toBe(true);
    } finally {
      await store.close();
    }
  });

  test("the day Binance never published is found as a gap and filled from REST", async () => {
    const store = await newStore();
    try {
      const [startMs, endMs] = [day("2024-02-12"), day("2024-02-17")];
      const result = await backfillFromArchive({
        archiveUrl: archive.url,
        store,
        runId: "missing-day",
        market: "spot",
        symbol: "BTC/USDT",
        table: "ohlcv_1m",
        startMs,
        endMs,
        nowMs: NOW,
        fillGap: restFillGap(),
      });
      expect(result.rest).toEqual([
        expect.objectContaining({
          startMs: day("2024-02-14"),
          endMs: day("2024-02-15"),
          rows: 1440,
          missing: [],
        }),
      ]);
      expect(result.gaps).toEqual([]);
      const stored = await readStoredCandles(db.connection, store.dir, store.spec, "ohlcv_1m", {
        market: "spot",
        symbol: "BTC/USDT",
      });
      expect(firstDifference(stored, expected("BTC/USDT", "1m", startMs, endMs))).toBeNull();
      expect(store.spec?.tables.ohlcv_1m?.gaps ?? []).toEqual([]);
      expect(formatArchiveReport(result).join("\n")).toContain("2024-02-14 .. 2024-02-15  rest 1440 rows");
    } finally {
      await store.close();
    }
  });

  test("a zip whose checksum does not match is refused, never stored, and its month comes from REST", async () => {
    const store = await newStore();
    const before = archive.counters.checksums;
    try {
      const [startMs, endMs] = [day("2024-02-27"), day("2024-04-02")];
      const result = await backfillFromArchive({
        archiveUrl: archive.url,
        store,
        runId: "bad-checksum",
        market: "perp",
        symbol: "ETH/USDT:USDT",
        table: "ohlcv_1h",
        startMs,
        endMs,
        nowMs: NOW,
        fillGap: restFillGap(),
        backoffMs: 1,
      });
      const refused = result.leftForRest.filter((l) => l.reason === "refused");
      expect(refused).toEqual([
        expect.objectContaining({
          startMs: day("2024-03-01"),
          endMs: day("2024-04-01"),
          file: expect.stringContaining("ETHUSDT-1h-2024-03.zip"),
        }),
      ]);
      expect(archive.counters.checksums - before).toBeGreaterThanOrEqual(3 + 2);
      expect(result.rest.find((r) => r.startMs === day("2024-03-01"))?.rows).toBe(31 * 24);
      const stored = await readStoredCandles(db.connection, store.dir, store.spec, "ohlcv_1h", {
        market: "perp",
        symbol: "ETH/USDT:USDT",
      });
      expect(firstDifference(stored, expected("ETH/USDT:USDT", "1h", startMs, endMs))).toBeNull();
      expect(
        result.ranges.filter((r) => r.startMs >= day("2024-03-01") && r.startMs < day("2024-04-01")),
      ).toEqual([expect.objectContaining({ source: "rest", rows: 744 })]);
      const spec = JSON.parse(await readFile(path.join(store.dir, "spec.json"), "utf8")) as {
        version: number;
      };
      expect(spec.version).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
