import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  NO_ARCHIVE_DEFECTS,
  startForwardProxy,
  startGeoBlockGate,
  startTestkit,
  type ForwardProxy,
  type GeoBlockGate,
  type Testkit,
} from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../src/report/run-report.js";
import { candleFields, expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

// A US runner, played on 127.0.0.1: Binance's api and fapi hosts answer their real 451 and Bybit's
// CloudFront its 403 to every request, while data-api.binance.vision, the archive, OKX and Coinbase
// answer. The CLI runs from dist/ (`pnpm test` builds it first).
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");
const SEED = 5;
const DAY = 86_400_000;
/** Where the proxy connects from: an address the gates treat as another country. */
const ABROAD = "127.0.0.2";
const PROXY_PASSWORD = "pr0xy-s3cret-pw";
const START = Date.now();
const SINCE = Math.floor(START / DAY) * DAY - 2 * DAY;

let tk: Testkit;
let binanceApi: GeoBlockGate;
let binanceFapi: GeoBlockGate;
let bybit: GeoBlockGate;
/** Passes everything through (its only allowed client is us): counts what reached data-api. */
let dataApi: GeoBlockGate;
let proxy: ForwardProxy;
let root: string;
let dataset: string;
let env: Record<string, string>;

function cexdata(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  expect(existsSync(CLI), `${CLI} missing: build the pipeline first`).toBe(true);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", CEXDATA_LOG_LEVEL: "info", ...env, ...extraEnv },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  tk = await startTestkit({ seed: SEED, archiveDefects: NO_ARCHIVE_DEFECTS });
  const binance = tk.exchanges.urls.binance;
  const abroad = { allowFrom: [ABROAD] };
  binanceApi = await startGeoBlockGate({ target: binance, answer: "binance-451", ...abroad });
  binanceFapi = await startGeoBlockGate({ target: binance, answer: "binance-451", ...abroad });
  dataApi = await startGeoBlockGate({
    target: binance,
    answer: "binance-451",
    allowFrom: ["127.0.0.1", ABROAD],
  });
  bybit = await startGeoBlockGate({
    target: tk.exchanges.urls.bybit,
    answer: "cloudfront-403-json",
    ...abroad,
  });
  proxy = await startForwardProxy({ username: "runner", password: PROXY_PASSWORD, egressAddress: ABROAD });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-geo-run-"));
  dataset = path.join(root, "dataset");
  env = {
    ...tk.env,
    CEXDATA_EXCHANGE_URL_BINANCE:
      `api.binance.com=${binanceApi.url},fapi.binance.com=${binanceFapi.url},` +
      `data-api.binance.vision=${dataApi.url}`,
    CEXDATA_EXCHANGE_URL_BYBIT: bybit.url,
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([binanceApi, binanceFapi, dataApi, bybit, proxy].map((g) => g?.stop()));
  await tk?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("cexdata run from a location Binance and Bybit refuse", () => {
  let report: RunReport;

  it("stores what can be had, asks each blocked host at most twice, and reports the rest blocked", async () => {
    const config = path.join(root, "cexdata.config.json");
    await writeFile(
      config,
      JSON.stringify({ exchanges: ["binance", "okx", "bybit", "coinbase"], bases: ["BTC"], since: SINCE }),
    );
    const run = await cexdata(["run", "--config", config, "--dataset", dataset]);
    expect(run.code, run.stderr).toBe(0);
    const runs = await readdir(path.join(dataset, "runs"));
    report = JSON.parse(await readFile(path.join(dataset, "runs", runs[0]!), "utf8")) as RunReport;

    // Each blocked host answered at most twice, then nothing more was sent to it; api.binance.com
    // is not needed at all (spot market data comes from data-api.binance.vision).
    for (const gate of [binanceApi, binanceFapi, bybit]) {
      expect(gate.counters.refused).toBeLessThanOrEqual(2);
      expect(gate.counters.forwarded).toBe(0);
    }
    expect(binanceApi.counters.refused).toBe(0);
    expect(binanceFapi.counters.refused).toBeGreaterThanOrEqual(1);
    expect(bybit.counters.refused).toBeGreaterThanOrEqual(1);
    expect(tk.exchanges.counters.bybit.total).toBe(0);
    expect(dataApi.counters.forwarded).toBeGreaterThan(0);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);

    // Bybit: every table it would serve, blocked with the remedy; Binance: the perpetuals' tail.
    const blocked = (exchange: string) => report.blocked.filter((b) => b.exchange === exchange);
    expect(new Set(blocked("bybit").map((b) => b.host))).toEqual(new Set(["api.bybit.com"]));
    expect(blocked("bybit").map((b) => b.table)).toEqual(
      expect.arrayContaining(["ohlcv_1m", "ohlcv_1h", "ohlcv_1d", "funding_rates", "open_interest"]),
    );
    for (const b of blocked("bybit")) expect(b.remedy).toContain("CEXDATA_PROXY_BYBIT");
    const binancePerp = blocked("binance").filter((b) => b.market === "perp");
    expect(new Set(binancePerp.map((b) => b.host))).toEqual(new Set(["fapi.binance.com"]));
    expect(binancePerp.map((b) => b.table)).toEqual(
      expect.arrayContaining(["ohlcv_1m", "funding_rates", "open_interest", "exchange_info"]),
    );
    for (const b of binancePerp) expect(b.remedy).toContain("CEXDATA_PROXY_BINANCE");
    const candleTail = binancePerp.find((b) => b.table === "ohlcv_1h")!;
    expect(candleTail.message).toContain("came from the archive");
    expect(candleTail.message).toContain("is missing");
    expect(blocked("binance").filter((b) => b.market === "spot")).toEqual([]);
    expect(run.stderr).toContain("BLOCKED");
  }, 240_000);

  it("Binance spot equals the simulator's series (through data-api), perpetual closed days come from the archive", async () => {
    const nowMs = Date.parse(report.startedAt);
    const hourly = await readTable(dataset, "ohlcv_1h");
    const pick = candleFields;
    const spot = hourly.filter((r) => r.exchange === "binance" && r.symbol === "BTC/USDT").map(pick);
    const closedUntil = Math.floor(nowMs / 3_600_000) * 3_600_000;
    expect(spot).toEqual(
      expectedSeries({
        seed: SEED,
        table: "ohlcv_1h",
        exchange: "binance",
        symbol: "BTC/USDT",
        startMs: SINCE,
        endMs: closedUntil,
        nowMs,
      }),
    );
    // Perpetual candles: exactly the whole days the archive had published, nothing after.
    const perp = hourly.filter((r) => r.exchange === "binance" && r.symbol === "BTC/USDT:USDT").map(pick);
    const wholeDays = Math.floor(nowMs / DAY) * DAY;
    expect(perp.length).toBeGreaterThan(0);
    expect(perp).toEqual(
      expectedSeries({
        seed: SEED,
        table: "ohlcv_1h",
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        startMs: SINCE,
        endMs: wholeDays,
        nowMs,
      }),
    );
    expect(tk.archive.counters.zips).toBeGreaterThan(0);

    // OKX and Coinbase as without any block; nothing of Bybit.
    const exchanges = new Set(hourly.map((r) => r.exchange));
    expect(exchanges).toEqual(new Set(["binance", "okx", "coinbase"]));
    for (const [exchange, symbol] of [
      ["okx", "BTC/USDT"],
      ["okx", "BTC/USDT:USDT"],
      ["coinbase", "BTC/USD"],
    ] as const) {
      const stored = hourly.filter((r) => r.exchange === exchange && r.symbol === symbol).map(pick);
      const expected = expectedSeries({
        seed: SEED,
        table: "ohlcv_1h",
        exchange,
        symbol,
        startMs: SINCE,
        endMs: closedUntil,
        nowMs,
      });
      expect(stored, `${exchange} ${symbol}`).toEqual(expected);
    }
  });

  it("verifies, and publishes what was stored", async () => {
    const verify = await cexdata(["verify", "--dataset", dataset]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ problems: 0 });
    const publish = await cexdata(["publish", "--dataset", dataset, "--repo", "cexdata/us-runner"]);
    expect(publish.code, publish.stderr).toBe(0);
    const spec = JSON.parse(await readFile(path.join(dataset, "spec.json"), "utf8")) as {
      version: number;
    };
    expect(JSON.parse(publish.stdout)).toMatchObject({ version: spec.version });
    expect(tk.hub.headOf("datasets/cexdata/us-runner")).toBeTruthy();
  });

  it("cexdata status turns the blocked tables into a failing check, locally and on the Hub", async () => {
    for (const source of [dataset, "hf://datasets/cexdata/us-runner"]) {
      const status = await cexdata(["status", "--dataset", source, "--max-age", "26h", "--json"]);
      expect(status.code, status.stderr).toBe(1);
      const { entries } = JSON.parse(status.stdout) as {
        entries: { table: string; exchange: string; state: string }[];
      };
      const stateOf = (table: string, exchange: string) =>
        entries.find((e) => e.table === table && e.exchange === exchange)?.state;
      expect(stateOf("ohlcv_1h", "bybit")).toBe("blocked");
      expect(stateOf("ohlcv_1h", "okx")).toBe("fresh");
      expect(stateOf("ohlcv_1h", "coinbase")).toBe("fresh");
    }
  });
});

describe("the same run through a proxy abroad (Basic auth)", () => {
  it("reaches the blocked exchanges and stores their rows; the proxy carried the traffic; its password is nowhere", async () => {
    const proxied = path.join(root, "proxied");
    const config = path.join(root, "proxied.config.json");
    await writeFile(
      config,
      JSON.stringify({ exchanges: ["binance", "bybit"], bases: ["BTC"], tables: ["ohlcv_1h"], since: SINCE }),
    );
    const refusedBefore = bybit.counters.refused + binanceFapi.counters.refused;
    const proxyEnv = { CEXDATA_PROXY_BINANCE: proxy.url, CEXDATA_PROXY_BYBIT: proxy.url };
    const run = await cexdata(["run", "--config", config, "--dataset", proxied], proxyEnv);
    expect(run.code, run.stderr).toBe(0);
    const runs = await readdir(path.join(proxied, "runs"));
    const reportText = await readFile(path.join(proxied, "runs", runs[0]!), "utf8");
    const report = JSON.parse(reportText) as RunReport;
    expect(report.failures).toEqual([]);
    expect(report.blocked).toEqual([]);

    // Every request went through the tunnel, from abroad: the gates let it through, refused nothing.
    expect(bybit.counters.refused + binanceFapi.counters.refused).toBe(refusedBefore);
    expect(bybit.counters.forwarded).toBeGreaterThan(0);
    expect(binanceFapi.counters.forwarded).toBeGreaterThan(0);
    expect(Object.values(proxy.tunnels).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const nowMs = Date.parse(report.startedAt);
    const closedUntil = Math.floor(nowMs / 3_600_000) * 3_600_000;
    const hourly = await readTable(proxied, "ohlcv_1h");
    for (const [exchange, symbol] of [
      ["bybit", "BTC/USDT"],
      ["bybit", "BTC/USDT:USDT"],
      ["binance", "BTC/USDT:USDT"],
    ] as const) {
      const stored = hourly.filter((r) => r.exchange === exchange && r.symbol === symbol);
      const expected = expectedSeries({
        seed: SEED,
        table: "ohlcv_1h",
        exchange,
        symbol,
        startMs: SINCE,
        endMs: closedUntil,
        nowMs,
      });
      expect(
        stored.map((r) => r.ts),
        `${exchange} ${symbol}`,
      ).toEqual(expected.map((r) => r.ts));
      expect(stored.map((r) => r.close)).toEqual(expected.map((r) => r.close));
    }
    for (const text of [run.stdout, run.stderr, reportText]) expect(text).not.toContain(PROXY_PASSWORD);
  }, 240_000);
});
