import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { startArchiveSimulator, type ArchiveSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillFromArchive } from "../src/sources/archive/index.js";
import { openDatasetStore, verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "book_depth");
/** Real rows (binance-public-data issue #431; see fixtures/book_depth/SOURCE.txt). */
const REAL_CSV = readFileSync(path.join(FIXTURES, "BTCUSDT-bookDepth-2025-05-19.excerpt.csv"), "utf8");
const REAL_ZIP = "data/futures/um/daily/bookDepth/BTCUSDT/BTCUSDT-bookDepth-2025-05-19.zip";
const NOW = Date.UTC(2025, 5, 1);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

let archive: ArchiveSimulator;
const dirs: string[] = [];
beforeAll(async () => {
  archive = await startArchiveSimulator({ seed: 4, nowMs: () => NOW, recordedCsv: { [REAL_ZIP]: REAL_CSV } });
});
afterAll(async () => {
  await archive.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function importDay(iso: string): Promise<{ dir: string; rows: Record<string, unknown>[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-book-depth-"));
  dirs.push(dir);
  const store = await openDatasetStore({ dir, nowMs: () => NOW });
  try {
    const result = await backfillFromArchive({
      archiveUrl: archive.url,
      store,
      runId: `book-depth-${iso}`,
      market: "perp",
      symbol: "BTC/USDT:USDT",
      table: "book_depth",
      startMs: day(iso),
      endMs: day(iso) + 86_400_000,
      nowMs: NOW,
      source: "archive",
    });
    expect(result.rejectedByReason).toEqual({});
  } finally {
    await store.close();
  }
  expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);
  return { dir, rows: await readTable(dir, "book_depth") };
}

const csvRows = (csv: string) =>
  csv
    .trimEnd()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [timestamp = "", percentage, depth, notional] = line.split(",");
      return {
        ms: Date.parse(`${timestamp.replace(" ", "T")}Z`),
        percentage: Number(percentage),
        depth: Number(depth),
        notional: Number(notional),
      };
    });

describe("book_depth from Binance's archived bookDepth", () => {
  it("stores real archive rows with exactly their values, stamped with their minute", async () => {
    const { rows } = await importDay("2025-05-19");
    const minute = Date.UTC(2025, 4, 19, 11, 7);
    expect(rows).toHaveLength(10);
    const want = csvRows(REAL_CSV).map((r) => ({
      exchange: "binance",
      market: "perp",
      symbol: "BTC/USDT:USDT",
      ts: minute,
      side: r.percentage < 0 ? "bid" : "ask",
      level: Math.abs(r.percentage),
      base: "BTC",
      quote: "USDT",
      price: null,
      percentage: r.percentage,
      amount: r.depth,
      notional: r.notional,
    }));
    const byKey = (r: Record<string, unknown>) => `${String(r.side)}${String(r.level)}`;
    expect([...rows].sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(
      [...want].sort((a, b) => byKey(a).localeCompare(byKey(b))),
    );
    // The bid band -1 % as Binance wrote it: 2294.324 BTC, 191369991.2178 USDT.
    expect(rows.find((r) => r.side === "bid" && r.level === 1)).toMatchObject({
      amount: 2294.324,
      notional: 191369991.2178,
    });
  });

  it("keeps one snapshot a minute of a whole day: the first of each minute, with its values", async () => {
    const iso = "2025-03-03";
    const zip = new Uint8Array(
      await (
        await fetch(`${archive.url}/data/futures/um/daily/bookDepth/BTCUSDT/BTCUSDT-bookDepth-${iso}.zip`)
      ).arrayBuffer(),
    );
    const served = csvRows(strFromU8(Object.values(unzipSync(zip))[0]!));
    expect(served.length).toBe(2880 * 10);
    const firstOfMinute = new Map<number, number>();
    for (const r of served) {
      const m = Math.floor(r.ms / 60_000) * 60_000;
      if (!firstOfMinute.has(m) || r.ms < firstOfMinute.get(m)!) firstOfMinute.set(m, r.ms);
    }
    const kept = served.filter((r) => firstOfMinute.get(Math.floor(r.ms / 60_000) * 60_000) === r.ms);

    const { rows } = await importDay(iso);
    expect(rows).toHaveLength(1440 * 10);
    const stored = new Map(rows.map((r) => [`${String(r.ts)} ${String(r.percentage)}`, r]));
    for (const r of kept) {
      const row = stored.get(`${Math.floor(r.ms / 60_000) * 60_000} ${r.percentage}`);
      expect(row).toMatchObject({ amount: r.depth, notional: r.notional });
    }
  });
});
