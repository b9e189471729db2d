import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateLayout, parseConfig, publishDataset, runCycle, verifyDataset } from "@cexdata/pipeline";
import {
  startExchangeSimulator,
  startHubSimulator,
  type ExchangeSimulator,
  type HubSimulator,
} from "@cexdata/testkit";
import { Dataset, Token } from "../src/index.js";
import { installReleasedClient } from "./support/released-client.js";

// Issue 19: liquidations and book_depth keep a closed year in one file. A dataset written with a
// file per month (what every release wrote, and what the store still writes while a year is open)
// moves to that layout through the store, losing and doubling nothing, for today's client and the
// client released before (fixtures/released-client), on disk and on the Hub after a publish.

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, "../../pipeline/dist/cli/main.js");
const HOUR = 3_600_000;
/** Two scheduled runs either side of a month's end, while 2024 is open: month files. */
const WRITTEN_AT = [
  Date.UTC(2024, 10, 30, 21, 30),
  Date.UTC(2024, 11, 1, 2, 30),
  Date.UTC(2024, 11, 31, 22, 30),
];
/** 2024 has closed. */
const MIGRATED_AT = Date.UTC(2025, 0, 2, 9);
const REPO = "cexdata/layout";
const BASES = ["BTC", "ETH"];
const EXCHANGES = ["okx", "bybit", "binance"];
const logger = pino({ level: "silent" });

let clock = WRITTEN_AT[0]!;
let work: string;
/** The dataset the tests migrate, and an untouched copy of it as the old release left it. */
let dir: string;
let oldCopy: string;
/** What the client returned from the dataset before any migration. */
let before: Awaited<ReturnType<typeof readAll>>;
let oldVersion: number;
let sim: ExchangeSimulator;
let hub: HubSimulator;

interface Spec {
  version: number;
  schema_version: string;
  tables: Record<string, { files: { path: string; rows: number }[] }>;
}
const COMPACTED_TABLES = ["liquidations", "book_depth"];
/** A month file of 2024 (closed) of the compacted tables, on disk or on the Hub. */
const isClosedMonth = (p: string) =>
  /^data\/(liquidations|book_depth)\/base=[A-Z]+\/2024-\d\d\.parquet$/.test(p);
const readSpecFile = async (d: string) => JSON.parse(await readFile(join(d, "spec.json"), "utf8")) as Spec;
const pathsOf = (spec: Spec, table: string) => spec.tables[table]!.files.map((f) => f.path).sort();

/** What a user sees: every liquidation and book-depth row of each base and exchange, as the client returns them. */
async function readAll(dataset: Dataset) {
  const out: Record<string, unknown[]> = {};
  for (const base of BASES) {
    const token = new Token(base, { dataset });
    // OKX serves a day of liquidations over REST; OKX and Bybit a book snapshot per run.
    out[`liquidations ${base} okx`] = await token.liquidations({ exchange: "okx" });
    for (const exchange of ["okx", "bybit"]) {
      for (const market of ["spot", "perp"] as const)
        out[`book_depth ${base} ${exchange} ${market}`] = await token.bookDepth({ exchange, market });
    }
  }
  return out;
}

async function readLocal(d: string, cache: string) {
  const dataset = new Dataset({ source: d, cacheDir: join(work, cache) });
  try {
    return await readAll(dataset);
  } finally {
    await dataset.close();
  }
}

async function readHub(cache: string) {
  const dataset = new Dataset({
    source: `hf://datasets/${REPO}`,
    hubUrl: hub.url,
    cacheDir: join(work, cache),
  });
  try {
    return { rows: await readAll(dataset), version: (await dataset.spec()).version };
  } finally {
    await dataset.close();
  }
}

const publish = () =>
  publishDataset({ datasetDir: dir, repo: REPO, accessToken: hub.token, hubUrl: hub.url, logger });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cexdata-layout-"));
  dir = join(work, "dataset");
  sim = await startExchangeSimulator({ seed: 19, nowMs: () => clock });
  hub = await startHubSimulator();
  const config = parseConfig({
    exchanges: EXCHANGES,
    bases: BASES,
    intervals: ["1h"],
    tables: ["liquidations", "book_depth", "ohlcv_1h", "exchange_info", "token_info"],
    since: WRITTEN_AT[0]! - 6 * HOUR,
  });
  for (const at of WRITTEN_AT) {
    clock = at;
    const { report } = await runCycle({
      config,
      datasetDir: dir,
      logger,
      env: sim.env(),
      nowMs: () => clock,
    });
    expect(report.failures).toEqual([]);
  }
  oldCopy = join(work, "old-copy");
  await cp(dir, oldCopy, { recursive: true });
  before = await readLocal(dir, "cache-before");
  oldVersion = (await readSpecFile(dir)).version;
}, 300_000);
afterAll(async () => {
  await sim.stop();
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

describe("migrating a month-per-file dataset to the compacted layout", () => {
  it("is the month files a release wrote while 2024 was open, which today's client reads", async () => {
    const spec = await readSpecFile(dir);
    for (const table of COMPACTED_TABLES) {
      expect(pathsOf(spec, table)).toEqual(
        BASES.flatMap((b) => [
          `data/${table}/base=${b}/2024-11.parquet`,
          `data/${table}/base=${b}/2024-12.parquet`,
        ]),
      );
    }
    // Rows in both months of both bases: what the migration must carry over, none lost, none doubled.
    for (const [series, rows] of Object.entries(before)) expect(rows.length, series).toBeGreaterThan(50);
    await publish();
    expect(hub.listPaths(`datasets/${REPO}`).filter(isClosedMonth)).toHaveLength(8);
    expect((await readHub("cache-hub-old")).rows).toEqual(before);
  }, 120_000);

  it("a killed migration is finished by the next: one year file per base, identical rows, month files gone, a rerun changes nothing", async () => {
    await expect(
      migrateLayout({
        dir,
        nowMs: () => MIGRATED_AT,
        onCommitStep: (s) => {
          if (s.step === "file-moved") throw new Error("killed after moving one file");
        },
      }),
    ).rejects.toThrow(/killed/);
    // Killed after the journal: the dataset a reader sees is still the old version.
    expect((await readSpecFile(dir)).version).toBe(oldVersion);

    const rerun = await migrateLayout({ dir, nowMs: () => MIGRATED_AT });
    expect(rerun.version).toBe(oldVersion + 1);
    const spec = await readSpecFile(dir);
    expect(spec.version).toBe(oldVersion + 1);
    expect(spec.schema_version).toBe("1.2");
    for (const table of COMPACTED_TABLES) {
      expect(pathsOf(spec, table)).toEqual(BASES.map((b) => `data/${table}/base=${b}/2024.parquet`));
      for (const base of BASES)
        expect((await readdir(join(dir, "data", table, `base=${base}`))).sort()).toEqual(["2024.parquet"]);
    }
    // The other tables are as they were.
    expect(pathsOf(spec, "ohlcv_1h")).toEqual(pathsOf(await readSpecFile(oldCopy), "ohlcv_1h"));
    expect((await verifyDataset({ dir, nowMs: () => MIGRATED_AT })).problems).toEqual([]);
    expect(await readLocal(dir, "cache-after")).toEqual(before);
    expect(existsSync(join(dir, ".cexdata", "journal.json"))).toBe(false);

    // The command, on today's clock: nothing left to migrate, spec.json untouched.
    const text = await readFile(join(dir, "spec.json"), "utf8");
    const out = execFileSync(process.execPath, [CLI, "migrate-layout", "--dataset", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(JSON.parse(out.trim().split("\n").at(-1)!)).toEqual({
      version: oldVersion + 1,
      yearFiles: 0,
      monthFilesRemoved: 0,
    });
    expect(await readFile(join(dir, "spec.json"), "utf8")).toBe(text);
  }, 120_000);

  it("a publish after it uploads the year files and deletes the month paths with the new spec; pinned readers keep the old version", async () => {
    const published = await publish();
    expect(published.commit).toBeTruthy();
    const repo = `datasets/${REPO}`;
    const paths = hub.listPaths(repo);
    expect(paths.filter(isClosedMonth)).toEqual([]);
    for (const table of COMPACTED_TABLES)
      for (const base of BASES) expect(paths).toContain(`data/${table}/base=${base}/2024.parquet`);
    // No commit ever had the old spec.json without its month files.
    for (const commit of hub.listCommits(repo)) {
      const specBytes = hub.getFile(repo, commit.oid, "spec.json");
      if (specBytes === undefined) continue; // the repo's first commit, before any publish
      if ((JSON.parse(new TextDecoder().decode(specBytes)) as Spec).version === oldVersion)
        expect(hub.listPaths(repo, commit.oid).filter(isClosedMonth)).toHaveLength(8);
    }
    const now = await readHub("cache-hub-new");
    expect(now.version).toBe(oldVersion + 1);
    expect(now.rows).toEqual(before);
    // The old version's tag still holds its month files.
    const pinned = new Dataset({
      source: `hf://datasets/${REPO}`,
      hubUrl: hub.url,
      revision: `v${oldVersion}`,
      cacheDir: join(work, "cache-hub-pinned"),
    });
    try {
      expect(await readAll(pinned)).toEqual(before);
    } finally {
      await pinned.close();
    }
  }, 120_000);

  it("a scheduled run in the new year migrates by itself and keeps the open year's rows in month files", async () => {
    clock = Date.UTC(2025, 0, 2, 1, 30);
    const config = parseConfig({
      exchanges: EXCHANGES,
      bases: BASES,
      intervals: ["1h"],
      tables: ["liquidations", "book_depth", "ohlcv_1h", "exchange_info", "token_info"],
    });
    const { report } = await runCycle({
      config,
      datasetDir: oldCopy,
      logger,
      env: sim.env(),
      nowMs: () => clock,
    });
    expect(report.failures).toEqual([]);
    const spec = await readSpecFile(oldCopy);
    for (const table of COMPACTED_TABLES) {
      expect(pathsOf(spec, table)).toEqual(
        BASES.flatMap((b) => [
          `data/${table}/base=${b}/2024.parquet`,
          `data/${table}/base=${b}/2025-01.parquet`,
        ]),
      );
    }
    expect((await verifyDataset({ dir: oldCopy, nowMs: () => clock })).problems).toEqual([]);
    const rows = await readLocal(oldCopy, "cache-run");
    const newYear = Date.UTC(2025, 0, 1);
    for (const [series, list] of Object.entries(rows)) {
      const old = (list as { ts: Date }[]).filter((r) => r.ts.getTime() < newYear);
      expect(old, series).toEqual(before[series]);
      expect(list.length, series).toBeGreaterThan(old.length);
    }
  }, 300_000);

  it("the client released before reads the migrated dataset's liquidations, row for row", async () => {
    const released = await installReleasedClient(work);
    const out = await released.run(
      `import { Dataset, Token } from "@cexdata/client";
const dataset = new Dataset({ source: process.argv[2], cacheDir: process.argv[3] });
const out = {};
for (const base of ${JSON.stringify(BASES)}) {
  const rows = await new Token(base, { dataset }).liquidations({ exchange: "okx" });
  out[base] = rows.map((r) => [r.ts.toISOString(), r.id, r.side, r.price, r.amount]);
}
console.log(JSON.stringify(out));
await dataset.close();`,
      [dir, join(work, "cache-released")],
    );
    const read = JSON.parse(out) as Record<string, unknown[]>;
    for (const base of BASES) {
      const want = (
        before[`liquidations ${base} okx`] as {
          ts: Date;
          id: string;
          side: string;
          price: number;
          amount: number;
        }[]
      ).map((r) => [r.ts.toISOString(), r.id, r.side, r.price, r.amount]);
      expect(read[base]).toEqual(want);
    }
  }, 300_000);
});
