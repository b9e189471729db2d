import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  NO_ARCHIVE_DEFECTS,
  simulatedDerivativeRows,
  startArchiveSimulator,
  startExchangeSimulator,
  type ArchiveSimulator,
  type ExchangeSimulator,
} from "@cexdata/testkit";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

// The CLI runs from dist/, as installed: `pnpm --filter @cexdata/pipeline... build` first.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");
const DAY = 86_400_000;
const HOUR = 3_600_000;
const SEED = 1;

let exchange: ExchangeSimulator;
let archive: ArchiveSimulator;
let dir: string;

beforeAll(async () => {
  // Both on the real clock: the CLI's own.
  exchange = await startExchangeSimulator({ seed: SEED });
  archive = await startArchiveSimulator({ seed: SEED, defects: NO_ARCHIVE_DEFECTS });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-backfill-ls-"));
});
afterAll(async () => {
  await exchange.stop();
  await archive.stop();
  await rm(dir, { recursive: true, force: true });
});

function cexdata(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  expect(existsSync(CLI), `${CLI} missing: build the pipeline first`).toBe(true);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

it("`cexdata backfill --table long_short_ratios` takes whole days past REST's 30 from the archive, the last day from REST", async () => {
  const startedMs = Date.now();
  const sinceDay = Math.floor(startedMs / DAY) * DAY - 40 * DAY;
  const since = new Date(sinceDay).toISOString().slice(0, 10);
  const env = { ...exchange.env(), CEXDATA_ARCHIVE_URL: archive.url };
  const args = [
    "backfill",
    "--exchange",
    "binance",
    "--symbol",
    "BTC/USDT:USDT",
    "--table",
    "long_short_ratios",
  ];
  const { code, out } = await cexdata([...args, "--since", since, "--dataset", dir], env);
  expect(code, out).toBe(0);
  const endedMs = Date.now();

  const rows = await readTable(dir, "long_short_ratios");
  const today = Math.floor(endedMs / DAY) * DAY;
  // Every hour from --since to the last closed one, equal to the simulator's series: the archive's
  // on-the-hour metrics rows and REST's hourly statistics carry the same values.
  const expected = simulatedDerivativeRows({
    seed: SEED,
    table: "long_short_ratios",
    exchange: "binance",
    symbol: "BTC/USDT:USDT",
    startMs: sinceDay,
    endMs: Math.floor(startedMs / HOUR) * HOUR,
    nowMs: startedMs,
  });
  const stored = rows.filter((r) => Number(r.ts) < Math.floor(startedMs / HOUR) * HOUR);
  expect(stored.map(({ exchange: _e, symbol: _s, base: _b, quote: _q, ...rest }) => rest)).toEqual(expected);
  expect(rows[0]?.ts).toBe(sinceDay);
  // 40 whole days came from the archive (checksum-verified daily metrics files), today's hours from REST.
  expect(archive.counters.zips).toBeGreaterThanOrEqual(40);
  expect(exchange.counters.binance.requests["/futures/data/topLongShortAccountRatio"] ?? 0).toBeGreaterThan(
    0,
  );
  expect(rows.filter((r) => Number(r.ts) >= today).length).toBeGreaterThan(0);
  expect((await verifyDataset({ dir, nowMs: () => Date.now() })).problems).toEqual([]);
});
