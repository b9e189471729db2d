import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { emptyCounts, ingestRows, storeSink } from "../src/ingest/index.js";
import { ArchiveFormatError } from "../src/sources/archive/errors.js";
import { SPOT_KLINES_MS } from "../src/sources/archive/formats.js";
import { importArchiveCsvs, stageArchiveCsvs } from "../src/sources/archive/stage-csvs.js";
import { toArchiveSymbol } from "../src/sources/archive/plan.js";
import { openDatasetStore, readSpec, type DatasetStore } from "../src/store/index.js";
import { quarantinePath } from "../src/validate/index.js";
import { makeTempDir } from "./store-fixture-rows.js";

// An archive import whose rows are all valid and in order goes straight from the CSVs to the
// partition files (no table in between); anything else takes the checked path. Either way the
// dataset is the same, byte for byte.
const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "fixtures/binance_vision/spot_BTCUSDT-1h-2023-10-27.first3rows.csv",
);
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Four days across a year's end: two partitions of ohlcv_1h (2023, 2024). */
const START = Date.UTC(2023, 11, 30);
const END = START + 4 * DAY;
const NOW = Date.UTC(2024, 5, 1);
const symbol = toArchiveSymbol("BTC/USDT");

let dirs: string[] = [];
let stores: DatasetStore[] = [];
beforeEach(() => {
  dirs = [];
  stores = [];
});
afterEach(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir();
  dirs.push(dir);
  return dir;
}

/**
 * Daily spot 1h CSVs in Binance's layout: the real rows of the fixture (2023-10-27), their values
 * in turn, re-stamped hour by hour. `edit` may change a day's lines.
 */
async function writeDailyCsvs(edit: (day: number, lines: string[]) => string[] = (_, l) => l) {
  const real = (await readFile(FIXTURE, "utf8")).trim().split("\n");
  const dir = await tempDir();
  const files: { csvPath: string; range: { startMs: number; endMs: number } }[] = [];
  for (let day = 0; day < 4; day++) {
    const dayStart = START + day * DAY;
    const lines = Array.from({ length: 24 }, (_, h) => {
      const cells = real[h % real.length]!.split(",");
      cells[0] = String(dayStart + h * HOUR);
      cells[6] = String(dayStart + (h + 1) * HOUR - 1);
      return cells.join(",");
    });
    const csvPath = path.join(dir, `BTCUSDT-1h-${new Date(dayStart).toISOString().slice(0, 10)}.csv`);
    await writeFile(csvPath, edit(day, lines).join("\n") + "\n");
    files.push({ csvPath, range: { startMs: dayStart, endMs: dayStart + DAY } });
  }
  return files;
}

async function openStore(): Promise<{ store: DatasetStore; dir: string }> {
  const dir = await tempDir();
  const store = await openDatasetStore({ dir, threads: 2, nowMs: () => NOW });
  stores.push(store);
  return { store, dir };
}

type DailyCsvs = Awaited<ReturnType<typeof writeDailyCsvs>>;

/** The importer's path for a group of CSVs (straight when it can be), staged on `store`. */
function stageCsvs(store: DatasetStore, dir: string, files: DailyCsvs, counts = emptyCounts()) {
  return stageArchiveCsvs({
    store,
    sink: storeSink(store, { datasetDir: dir, runId: "straight" }),
    table: "ohlcv_1h",
    symbol,
    format: SPOT_KLINES_MS,
    files,
    startMs: START,
    endMs: END,
    nowMs: NOW,
    counts,
  });
}

const tmpFilesOf = (dir: string) => readdir(path.join(dir, ".cexdata/tmp")).catch(() => [] as string[]);

/** Stages the CSVs in a new store and commits them. */
async function importStraight(files: DailyCsvs) {
  const { store, dir } = await openStore();
  const counts = emptyCounts();
  const rowsPerFile = await stageCsvs(store, dir, files, counts);
  const stagedFiles = await tmpFilesOf(dir);
  await store.commit();
  return { dir, counts, rowsPerFile, stagedFiles, leftInTmp: await tmpFilesOf(dir) };
}

/** The same CSVs through the checked path only: read into a checked table, then staged from it. */
async function importChecked(files: DailyCsvs) {
  const { store, dir } = await openStore();
  const counts = emptyCounts();
  await store.withConnection(async (conn) => {
    const batch = await importArchiveCsvs({
      conn,
      table: "ohlcv_1h",
      symbol,
      format: SPOT_KLINES_MS,
      csvPaths: files.map((f) => f.csvPath),
      startMs: START,
      endMs: END,
      nowMs: NOW,
      prefix: "checked",
    });
    await ingestRows({
      table: "ohlcv_1h",
      source: "archive",
      nowMs: NOW,
      input: { checked: { ...batch, keysUnique: true, adopt: undefined } },
      sink: storeSink(store, { datasetDir: dir, runId: "checked" }),
      counts,
    });
  });
  await store.commit();
  return { dir, counts };
}

const filesOf = async (dir: string) =>
  (await readSpec(dir))!.tables.ohlcv_1h!.files.map((f) => ({
    path: f.path,
    rows: f.rows,
    sha256: f.sha256,
  }));

describe("archive import straight from the CSVs", () => {
  it("writes the files the checked path writes, byte for byte, without keeping the rows in between", async () => {
    const files = await writeDailyCsvs();
    const straight = await importStraight(files);
    const checked = await importChecked(files);
    // One file per partition was written while staging, and taken as it was at commit.
    expect(straight.stagedFiles).toHaveLength(2);
    expect(straight.leftInTmp).toEqual([]);
    expect(straight.rowsPerFile).toEqual([24, 24, 24, 24]);
    expect(straight.counts).toEqual({ fetched: 96, accepted: 96, quarantined: {} });
    const written = await filesOf(straight.dir);
    expect(written.map((f) => f.rows)).toEqual([48, 48]);
    expect(written).toEqual(await filesOf(checked.dir));
  });

  it("leaves none of the files it wrote while staging when the store closes without a commit", async () => {
    const files = await writeDailyCsvs();
    const { store, dir } = await openStore();
    await stageCsvs(store, dir, files);
    expect(await tmpFilesOf(dir)).toHaveLength(2);
    await store.close();
    expect(await tmpFilesOf(dir)).toEqual([]);
    expect(await readSpec(dir)).toBeNull();
  });

  it("stores a day whose rows come reversed and twice sorted and once, as the checked path does", async () => {
    const files = await writeDailyCsvs((day, lines) => (day === 2 ? [...lines.reverse(), lines[0]!] : lines));
    const straight = await importStraight(files);
    const checked = await importChecked(files);
    expect(straight.stagedFiles).toEqual([]);
    expect(straight.leftInTmp).toEqual([]);
    expect(straight.rowsPerFile).toEqual([24, 24, 24, 24]);
    expect(await filesOf(straight.dir)).toEqual(await filesOf(checked.dir));
  });

  it("names the file that is not in its format (ArchiveFormatError) and stages nothing", async () => {
    // Spot klines have no header row: a file that starts with one is not this format.
    const files = await writeDailyCsvs((day, lines) =>
      day === 1 ? ["open_time,open,high,low", ...lines] : lines,
    );
    const { store, dir } = await openStore();
    const staged = stageCsvs(store, dir, files);
    await expect(staged).rejects.toThrow(ArchiveFormatError);
    await expect(staged).rejects.toThrow(files[1]!.csvPath);
    expect(await tmpFilesOf(dir)).toEqual([]);
    expect((await store.commit()).changedFiles).toEqual([]);
  });

  it("quarantines a refused row with its reason and stores every other row", async () => {
    // The real row's high below its low: refused as the REST path refuses it.
    const files = await writeDailyCsvs((day, lines) =>
      day === 1
        ? lines.map((l, h) => {
            if (h !== 5) return l;
            const cells = l.split(",");
            [cells[2], cells[3]] = [cells[3]!, cells[2]!];
            return cells.join(",");
          })
        : lines,
    );
    const straight = await importStraight(files);
    expect(straight.stagedFiles).toEqual([]);
    expect(straight.counts.accepted).toBe(95);
    expect(Object.values(straight.counts.quarantined)).toEqual([1]);
    const quarantined = (await readFile(quarantinePath(straight.dir, "straight"), "utf8")).trim().split("\n");
    expect(quarantined).toHaveLength(1);
    expect(JSON.parse(quarantined[0]!).row.ts).toBe(START + DAY + 5 * HOUR);
    expect((await filesOf(straight.dir)).map((f) => f.rows)).toEqual([47, 48]);
  });
});
