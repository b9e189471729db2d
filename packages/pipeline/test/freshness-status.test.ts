import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { SpecFreshness } from "@cexdata/schema";
import { startTestkit, type Testkit } from "@cexdata/testkit";
import { parseConfig } from "../src/config/load-config.js";
import { publishDataset, pullDataset } from "../src/publish/index.js";
import { recordFreshness } from "../src/run/record-freshness.js";
import { runCycle } from "../src/run/run-cycle.js";
import { mergeDatasetShards } from "../src/shards/index.js";
import { openDatasetStore, readSpec } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

// Freshness in spec.json, written by real cycles against the exchange simulators, and `cexdata status`
// judging it from the built CLI (`pnpm --filter @cexdata/pipeline... build` first), locally and on the
// Hub simulator.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 4, 15, 10, 30, 0);
const REPO = "cexdata/freshness";
const logger = pino({ level: "silent" });

let clock = NOW;
let kit: Testkit;
let tmp: string;
beforeAll(async () => {
  kit = await startTestkit({ seed: 7, nowMs: () => clock });
  tmp = await mkdtemp(path.join(tmpdir(), "cexdata-freshness-"));
});
afterAll(async () => {
  await kit.stop();
  await rm(tmp, { recursive: true, force: true });
});

const configOf = (exchange: string, dataset: string) =>
  parseConfig({
    exchanges: [exchange],
    markets: ["spot"],
    bases: ["BTC"],
    tables: ["ohlcv_1h", "exchange_info"],
    intervals: ["1h"],
    since: "2d",
    dataset,
  });

async function runAt(atMs: number, exchange: string, dataset: string) {
  clock = atMs;
  return runCycle({
    config: configOf(exchange, dataset),
    datasetDir: dataset,
    logger,
    env: { ...kit.env },
    nowMs: () => clock,
  });
}

function cexdata(args: string[], env: Record<string, string> = {}) {
  expect(existsSync(CLI), `${CLI} missing: build the pipeline first`).toBe(true);
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const entryOf = (entries: readonly SpecFreshness[] | undefined, table: string, exchange: string) =>
  entries?.find((e) => e.table === table && e.exchange === exchange);

it("a cycle records per table and exchange its last success and the newest stored ts; another exchange's run keeps them", async () => {
  const dir = path.join(tmp, "two-runs");
  await runAt(NOW, "okx", dir);
  const first = (await readSpec(dir))!;
  const stored = (await readTable(dir, "ohlcv_1h")).filter((r) => r.exchange === "okx");
  const newestOkx = Math.max(...stored.map((r) => r.ts as number));
  expect(entryOf(first.freshness, "ohlcv_1h", "okx")).toEqual({
    table: "ohlcv_1h",
    exchange: "okx",
    last_success_at: new Date(NOW).toISOString(),
    newest_ts: new Date(newestOkx).toISOString(),
  });
  // The newest stored candle is the last one closed before the run.
  expect(newestOkx).toBe(Math.floor(NOW / HOUR) * HOUR - HOUR);
  expect(entryOf(first.freshness, "exchange_info", "okx")?.last_success_at).toBe(new Date(NOW).toISOString());

  await runAt(NOW + HOUR, "binance", dir);
  const second = (await readSpec(dir))!;
  expect(entryOf(second.freshness, "ohlcv_1h", "okx")).toEqual(entryOf(first.freshness, "ohlcv_1h", "okx"));
  expect(entryOf(second.freshness, "ohlcv_1h", "binance")?.last_success_at).toBe(
    new Date(NOW + HOUR).toISOString(),
  );
  expect(second.freshness?.map((e) => `${e.table}/${e.exchange}`)).toEqual([
    "exchange_info/binance",
    "exchange_info/okx",
    "ohlcv_1h/binance",
    "ohlcv_1h/okx",
  ]);
});

it("`cexdata status` exits 0 on a fresh dataset and 1 once it is older than --max-age, in text and JSON", async () => {
  const dir = path.join(tmp, "status-local");
  await runAt(NOW, "okx", dir);

  const fresh = await cexdata(["status", "--dataset", dir, "--now", new Date(NOW + 2 * HOUR).toISOString()]);
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(fresh.stdout).toMatch(/^TABLE\s+EXCHANGE\s+LAST SUCCESS\s+NEWEST TS\s+AGE\s+STATE/);
  expect(fresh.stdout).toMatch(/ohlcv_1h\s+okx\s+2024-05-15T10:30Z\s+2024-05-15T09:00Z\s+2h 30m\s+fresh/);

  const stale = await cexdata([
    "status",
    "--dataset",
    dir,
    "--max-age",
    "26h",
    "--json",
    "--now",
    new Date(NOW + 30 * HOUR).toISOString(),
  ]);
  expect(stale.code).toBe(1);
  const report = JSON.parse(stale.stdout) as { ok: boolean; entries: { table: string; state: string }[] };
  expect(report.ok).toBe(false);
  expect(report.entries.map((e) => `${e.table}:${e.state}`)).toEqual([
    "exchange_info:stale",
    "ohlcv_1h:stale",
  ]);
  expect(stale.stderr).toContain("ohlcv_1h on okx: stale");

  const missing = await cexdata(["status", "--dataset", path.join(tmp, "nothing-here")]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("holds no spec.json");
});

it("a geo-block recorded from a run's report makes status exit 1 with the host and remedy, until a run fetches it again", async () => {
  const dir = path.join(tmp, "blocked");
  const { report } = await runAt(NOW, "okx", dir);
  // The run's own report, with the series it fetched refused by a geo-block instead.
  const blockedReport = {
    ...report,
    blocked: [
      {
        table: "ohlcv_1h",
        exchange: "okx",
        market: "spot" as const,
        symbol: "BTC/USDT",
        host: "www.okx.com",
        remedy: "set CEXDATA_PROXY_OKX to a proxy in an allowed country",
        message: "HTTP 451 Unavailable For Legal Reasons",
      },
    ],
  };
  const blockedAt = NOW + HOUR;
  const store = await openDatasetStore({ dir });
  try {
    await recordFreshness({ store, report: blockedReport, tables: ["ohlcv_1h"], nowMs: blockedAt });
    await store.commit();
  } finally {
    await store.close();
  }
  const spec = (await readSpec(dir))!;
  expect(entryOf(spec.freshness, "ohlcv_1h", "okx")).toMatchObject({
    last_success_at: new Date(NOW).toISOString(),
    blocked: { since: new Date(blockedAt).toISOString(), host: "www.okx.com" },
  });
  // exchange_info of okx was fetched in that run and is not blocked.
  expect(entryOf(spec.freshness, "exchange_info", "okx")?.blocked).toBeUndefined();

  const status = await cexdata(["status", "--dataset", dir, "--now", new Date(blockedAt).toISOString()]);
  expect(status.code).toBe(1);
  expect(status.stdout).toMatch(/ohlcv_1h\s+okx\s+.*blocked by www\.okx\.com since 2024-05-15T11:30Z/);
  expect(status.stdout).toContain("remedy for okx: set CEXDATA_PROXY_OKX");

  await runAt(NOW + 2 * HOUR, "okx", dir);
  expect(entryOf((await readSpec(dir))!.freshness, "ohlcv_1h", "okx")?.blocked).toBeUndefined();
  const again = await cexdata(["status", "--dataset", dir, "--now", new Date(NOW + 2 * HOUR).toISOString()]);
  expect(again.code, again.stdout).toBe(0);
});

it("merge-shards keeps each exchange's entries, and status reads them through hf:// (fresh, stale, blocked)", async () => {
  const okx = path.join(tmp, "shard-okx");
  const binance = path.join(tmp, "shard-binance");
  await runAt(NOW, "okx", okx);
  await runAt(NOW, "binance", binance);
  const merged = path.join(tmp, "merged");
  const result = await mergeDatasetShards({ shardDirs: [okx, binance], outDir: merged });
  const okxSpec = (await readSpec(okx))!;
  const binanceSpec = (await readSpec(binance))!;
  expect(result.spec.freshness).toEqual(
    [...okxSpec.freshness!, ...binanceSpec.freshness!].sort((a, b) =>
      `${a.table}/${a.exchange}` < `${b.table}/${b.exchange}` ? -1 : 1,
    ),
  );

  const hubEnv = { HF_ENDPOINT: kit.hub.url, HF_TOKEN: kit.hub.token };
  await publishDataset({
    datasetDir: merged,
    repo: REPO,
    accessToken: kit.hub.token,
    hubUrl: kit.hub.url,
    logger,
  });
  const at = (ms: number) => ["--now", new Date(ms).toISOString()];
  const onHub = await cexdata(
    ["status", "--dataset", `hf://datasets/${REPO}`, "--json", ...at(NOW + HOUR)],
    hubEnv,
  );
  expect(onHub.code, onHub.stderr).toBe(0);
  const parsed = JSON.parse(onHub.stdout) as { entries: { exchange: string; state: string }[] };
  expect(parsed.entries.map((e) => `${e.exchange}:${e.state}`).sort()).toEqual([
    "binance:fresh",
    "binance:fresh",
    "okx:fresh",
    "okx:fresh",
  ]);
  const stale = await cexdata(
    ["status", "--dataset", `hf://datasets/${REPO}`, ...at(NOW + 40 * HOUR)],
    hubEnv,
  );
  expect(stale.code).toBe(1);
  expect(stale.stdout).toMatch(/ohlcv_1h\s+binance\s+.*stale/);

  // A later okx shard, seeded from the Hub as the workflow does, whose run a geo-block refused.
  const okx2 = path.join(tmp, "shard-okx-2");
  const pulled = await pullDataset({
    repo: REPO,
    datasetDir: okx2,
    accessToken: kit.hub.token,
    hubUrl: kit.hub.url,
  });
  const { report } = await runAt(NOW + HOUR, "okx", okx2);
  const store = await openDatasetStore({ dir: okx2 });
  try {
    const blocked = {
      table: "*",
      exchange: "okx",
      host: "www.okx.com",
      remedy: "use a proxy",
      message: "451",
    };
    await recordFreshness({
      store,
      report: { ...report, blocked: [blocked] },
      tables: ["ohlcv_1h"],
      nowMs: NOW + HOUR,
    });
    await store.commit();
  } finally {
    await store.close();
  }
  const next = path.join(tmp, "merged-2");
  await mergeDatasetShards({ shardDirs: [okx2], outDir: next, baseSpec: pulled.spec });
  await publishDataset({
    datasetDir: next,
    repo: REPO,
    accessToken: kit.hub.token,
    hubUrl: kit.hub.url,
    logger,
  });
  const blockedOnHub = await cexdata(
    ["status", "--dataset", `hf://datasets/${REPO}`, "--json", ...at(NOW + 2 * HOUR)],
    hubEnv,
  );
  expect(blockedOnHub.code).toBe(1);
  const states = (
    JSON.parse(blockedOnHub.stdout) as { entries: { table: string; exchange: string; state: string }[] }
  ).entries
    .map((e) => `${e.table}/${e.exchange}:${e.state}`)
    .sort();
  // binance's entries, from the first publish, survive a merge and publish of okx alone.
  expect(states).toEqual([
    "exchange_info/binance:fresh",
    "exchange_info/okx:fresh",
    "ohlcv_1h/binance:fresh",
    "ohlcv_1h/okx:blocked",
  ]);
  expect(blockedOnHub.stdout).not.toContain(kit.hub.token);
});
