import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatasetSpec, Row } from "@cexdata/schema";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { resampleCandles } from "./support/make-rows.js";
import { commitDatasetDir } from "./support/serve-dataset.js";
import { HOUR, buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset } from "./support/write-dataset.js";

const here = dirname(fileURLToPath(import.meta.url));
const tsx = resolve(here, "../../../node_modules/.bin/tsx");
let hub: HubSimulator;
let work: string;
let spec: DatasetSpec;

type Answer = Record<string, { rows: number; close: number; volume: number }>;

/**
 * What each process must answer, from the rows written: each token on its default series (BTC on
 * binance BTC/USDT, ETH on okx ETH/USDT, SOL on coinbase SOL/USD, all spot), 4h resampled from 1h by
 * the test's own reference.
 */
function expectedAnswer(): Answer {
  const tables = buildStandardTables();
  const defaults = [
    ["binance", "BTC/USDT"],
    ["okx", "ETH/USDT"],
    ["coinbase", "SOL/USD"],
  ] as const;
  const seriesOf = (rows: Row<"ohlcv_1m">[]) =>
    defaults.flatMap(([exchange, symbol]) =>
      rows.filter((r) => r.exchange === exchange && r.symbol === symbol && r.market === "spot"),
    );
  const summed = (rows: readonly { close: number; volume: number }[]) => ({
    rows: rows.length,
    close: rows.reduce((sum, r) => sum + r.close, 0),
    volume: rows.reduce((sum, r) => sum + r.volume, 0),
  });
  const hours = seriesOf(tables.ohlcv_1h!);
  return {
    "1m": summed(seriesOf(tables.ohlcv_1m!)),
    "1h": summed(hours),
    "1d": summed(seriesOf(tables.ohlcv_1d!)),
    "4h": summed(
      defaults.flatMap(([exchange, symbol]) =>
        resampleCandles(
          hours.filter((r) => r.exchange === exchange && r.symbol === symbol),
          "4h",
          HOUR,
        ),
      ),
    ),
  };
}

function expectAnswer(out: string, label: string): void {
  const answer = JSON.parse(out) as Answer;
  const expected = expectedAnswer();
  expect(Object.keys(answer).sort(), label).toEqual(Object.keys(expected).sort());
  for (const [interval, want] of Object.entries(expected)) {
    const got = answer[interval]!;
    expect(want.rows, `${label} ${interval}: the reference has rows`).toBeGreaterThan(0);
    expect(got.rows, `${label} ${interval} rows`).toBe(want.rows);
    // Sums in another order differ in the last bits only.
    expect(Math.abs(got.close - want.close), `${label} ${interval} close`).toBeLessThan(1e-9 * want.close);
    expect(Math.abs(got.volume - want.volume), `${label} ${interval} volume`).toBeLessThan(
      1e-9 * want.volume,
    );
  }
}

beforeAll(async () => {
  hub = await startHubSimulator();
  work = await mkdtemp(join(tmpdir(), "cexdata-procs-"));
  spec = await writeTestDataset(join(work, "ds"), buildStandardTables());
  await commitDatasetDir(hub, "cexdata/shared", join(work, "ds"));
});

afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

function runChild(cacheDir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(
      tsx,
      [
        "--conditions=@cexdata/source",
        join(here, "support/fill-cache-child.ts"),
        hub.url,
        cacheDir,
        "cexdata/shared",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => done({ code, out, err }));
  });
}

it(
  "lets several processes fill one cache at once, each answering the expected sums",
  { timeout: 240_000 },
  async () => {
    const cacheDir = join(work, "cache");
    const children = await Promise.all(Array.from({ length: 4 }, () => runChild(cacheDir)));
    children.forEach((child, i) => {
      expect(child.code, child.err).toBe(0);
      expectAnswer(child.out, `process ${i}`);
    });
    // The cache holds exactly the candle files the queries read, each under its own sha256.
    const blobs = await readdir(join(cacheDir, "blobs"));
    const needed = ["ohlcv_1m", "ohlcv_1h", "ohlcv_1d"].flatMap((t) =>
      spec.tables[t as keyof typeof spec.tables]!.files.map((f) => `${f.sha256}.parquet`),
    );
    expect(needed.length).toBeGreaterThan(0);
    expect(blobs.sort()).toEqual([...new Set(needed)].sort());
    for (const blob of blobs) {
      const sha = createHash("sha256")
        .update(await readFile(join(cacheDir, "blobs", blob)))
        .digest("hex");
      expect(`${sha}.parquet`).toBe(blob);
    }
    // A fifth process finds everything cached and answers the same without downloading data.
    const before = hub.counters.requests.cdn;
    expect(before, "the first processes downloaded through the CDN").toBeGreaterThan(0);
    const late = await runChild(cacheDir);
    expect(late.code, late.err).toBe(0);
    expectAnswer(late.out, "late process");
    expect(hub.counters.requests.cdn).toBe(before);
  },
);
