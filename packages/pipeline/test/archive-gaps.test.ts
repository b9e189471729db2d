import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  createSeriesSource,
  generateCandles,
  startArchiveSimulator,
  startExchangeSimulator,
  type ArchiveSimulator,
  type ExchangeSimulator,
  type RecordedSeries,
} from "@cexdata/testkit";
import { createAdapter } from "../src/exchanges/registry.js";
import { openDatasetStore } from "../src/store/index.js";
import { backfillFromArchive, createRestFillGap, formatArchiveReport } from "../src/sources/archive/index.js";

/** A real outage: the exchange itself has no candles for six hours, on REST and in the archive alike. */
const NOW = Date.UTC(2024, 0, 15);
const HOUR = 3_600_000;
const [START, END] = [Date.UTC(2023, 5, 1), Date.UTC(2023, 6, 3)];
const [HOLE_START, HOLE_END] = [Date.UTC(2023, 5, 10, 3), Date.UTC(2023, 5, 10, 9)];
const recorded: RecordedSeries[] = [
  {
    exchange: "binance",
    symbol: "SOL/USDT",
    interval: "1h",
    candles: generateCandles({
      seed: 1,
      exchange: "binance",
      symbol: "SOL/USDT",
      interval: "1h",
      startMs: START,
      endMs: END,
    }).filter((c) => c.ts < HOLE_START || c.ts >= HOLE_END),
  },
];
let archive: ArchiveSimulator;
let exchange: ExchangeSimulator;
let dir: string;

beforeAll(async () => {
  archive = await startArchiveSimulator({
    series: createSeriesSource({ seed: 1, recorded }),
    nowMs: () => NOW,
  });
  exchange = await startExchangeSimulator({ seed: 1, recorded, nowMs: () => NOW });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-archive-gaps-"));
});
afterAll(async () => {
  await archive.stop();
  await exchange.stop();
  await rm(dir, { recursive: true, force: true });
});

test("a gap the exchange really has is asked of REST once, never invented, and stays listed in spec.json", async () => {
  const store = await openDatasetStore({ dir, nowMs: () => NOW });
  try {
    const result = await backfillFromArchive({
      archiveUrl: archive.url,
      store,
      runId: "outage",
      market: "spot",
      symbol: "SOL/USDT",
      table: "ohlcv_1h",
      startMs: START,
      endMs: END,
      nowMs: NOW,
      fillGap: createRestFillGap({
        adapter: createAdapter("binance", { env: exchange.env() }),
        nowMs: () => NOW,
      }),
    });
    expect(result.gaps).toEqual([{ startMs: HOLE_START, endMs: HOLE_END }]);
    expect(result.rest).toEqual([expect.objectContaining({ startMs: HOLE_START, endMs: HOLE_END, rows: 0 })]);
    expect(result.accepted).toBe((END - START) / HOUR - 6);
    const spec = JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")) as {
      tables: { ohlcv_1h: { gaps: unknown[]; files: { rows: number }[] } };
    };
    expect(spec.tables.ohlcv_1h.gaps).toEqual([
      {
        exchange: "binance",
        symbol: "SOL/USDT",
        market: "spot",
        start: "2023-06-10T03:00:00.000Z",
        end: "2023-06-10T09:00:00.000Z",
        missing: 6,
      },
    ]);
    expect(spec.tables.ohlcv_1h.files.reduce((n, f) => n + f.rows, 0)).toBe((END - START) / HOUR - 6);
    expect(formatArchiveReport(result).join("\n")).toContain("MISSING");
  } finally {
    await store.close();
  }
});
