import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  NO_ARCHIVE_DEFECTS,
  startForwardProxy,
  startTestkit,
  type ForwardProxy,
  type Testkit,
} from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxiedFetch } from "../src/proxy/create-proxied-fetch.js";
import { ProxyRefusedError } from "../src/proxy/create-proxy-dispatcher.js";
import { readTable } from "./helpers/read-table.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, "../dist/cli/main.js");
const DAY = 86_400_000;
// Distinctive, so a leak anywhere is found by a plain substring search.
const PASSWORD = "Pr0xy-pa55word-7f3c";
const WRONG = "wr0ng-pa55word-1d9e";

let kit: Testkit;
let proxy: ForwardProxy;
let root: string;

beforeAll(async () => {
  if (!existsSync(CLI))
    execFileSync("pnpm", ["--filter", "@cexdata/pipeline...", "build"], { stdio: "ignore" });
  kit = await startTestkit({ seed: 5, archiveDefects: NO_ARCHIVE_DEFECTS });
  proxy = await startForwardProxy({ username: "runner", password: PASSWORD });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-proxy-"));
}, 180_000);
afterAll(async () => {
  await proxy?.stop();
  await kit?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...kit.env, CEXDATA_LOG_LEVEL: "debug", ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

async function runBinance(name: string, env: Record<string, string>) {
  const dataset = path.join(root, name);
  const config = path.join(root, `${name}.json`);
  await writeFile(
    config,
    JSON.stringify({ exchanges: ["binance"], bases: ["BTC"], tables: ["ohlcv_1h"], since: "12h", dataset }),
  );
  const result = await cli(["run", "--config", config], env);
  const runs = path.join(dataset, "runs");
  const reportFiles = existsSync(runs) ? (await readdir(runs)).filter((f) => f.endsWith(".json")) : [];
  const reports = await Promise.all(reportFiles.map((f) => readFile(path.join(runs, f), "utf8")));
  return { ...result, dataset, reports };
}

/** Neither the password nor the Basic credentials built from it. */
function expectNoSecret(text: string, password: string) {
  expect(text).not.toContain(password);
  expect(text).not.toContain(encodeURIComponent(password));
  expect(text).not.toContain(Buffer.from(`runner:${password}`).toString("base64"));
}

const simulatorHost = (url: string) => new URL(url).host;

describe("cexdata through a forward proxy", () => {
  it("stores Binance rows fetched through CEXDATA_PROXY_BINANCE and leaks its password nowhere", async () => {
    const binanceHost = simulatorHost(kit.env.CEXDATA_EXCHANGE_URL_BINANCE);
    const before = kit.exchanges.counters.binance.total;
    const run = await runBinance("ok", { CEXDATA_PROXY_BINANCE: proxy.url });
    expect(run.code, run.output.slice(-2000)).toBe(0);
    const rows = (await readTable(run.dataset, "ohlcv_1h")).filter((r) => r.exchange === "binance");
    expect(rows.length).toBeGreaterThan(0);
    // Every request of the run reached the simulator through a tunnel the proxy authorized.
    expect(kit.exchanges.counters.binance.total).toBeGreaterThan(before);
    expect(proxy.tunnels[binanceHost]).toBeGreaterThan(0);
    expect(Object.keys(proxy.requests)).toEqual([binanceHost]);
    // ccxt (undici's ProxyAgent) tunnels even plain http:// targets: no absolute-URI requests.
    expect(proxy.tunnels).toEqual(proxy.requests);
    expect(proxy.refusedAuth).toBe(0);
    expect(run.reports).toHaveLength(1);
    expect(JSON.parse(run.reports[0]!).ok).toBe(true);
    for (const text of [run.output, ...run.reports]) expectNoSecret(text, PASSWORD);
  });

  it("leaves the local simulator direct under a stray HTTPS_PROXY, which only explicit variables override", async () => {
    const seen = JSON.stringify(proxy.requests);
    const run = await runBinance("stray", { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    expect(run.code, run.output.slice(-2000)).toBe(0);
    expect((await readTable(run.dataset, "ohlcv_1h")).length).toBeGreaterThan(0);
    expect(JSON.stringify(proxy.requests)).toBe(seen);
    for (const text of [run.output, ...run.reports]) expectNoSecret(text, PASSWORD);
  });

  it("fails clearly with a wrong proxy password, naming neither password", async () => {
    const refused = proxy.refusedAuth;
    const wrongUrl = proxy.url.replace(`:${PASSWORD}@`, `:${WRONG}@`);
    const run = await runBinance("wrong", {
      CEXDATA_PROXY_BINANCE: wrongUrl,
      // The real password is in the environment too (another exchange's proxy): it must not leak either.
      CEXDATA_PROXY_OKX: proxy.url,
    });
    expect(run.code).not.toBe(0);
    expect(proxy.refusedAuth).toBeGreaterThan(refused);
    expect(run.reports).toHaveLength(1);
    const report = JSON.parse(run.reports[0]!) as {
      ok: boolean;
      failures: { exchange: string; error: string; message: string }[];
    };
    expect(report.ok).toBe(false);
    const failure = report.failures.find((f) => f.exchange === "binance");
    expect(failure?.error).toBe("ProxyRefusedError");
    expect(failure?.message).toContain("CEXDATA_PROXY_BINANCE");
    expect(failure?.message).toContain("407 Proxy Authentication Required");
    expect(failure?.message).toContain("http://runner:***@127.0.0.1:");
    for (const text of [run.output, ...run.reports]) {
      expectNoSecret(text, WRONG);
      expectNoSecret(text, PASSWORD);
    }
  });

  it("refuses a malformed proxy variable by name, without echoing its password", async () => {
    const run = await runBinance("malformed", { CEXDATA_PROXY_BINANCE: `runner:${PASSWORD}@127.0.0.1:1` });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("CEXDATA_PROXY_BINANCE");
    expectNoSecret(run.output, PASSWORD);
  });

  it("downloads Binance archive files through CEXDATA_PROXY_ARCHIVE", async () => {
    const archiveHost = simulatorHost(kit.env.CEXDATA_ARCHIVE_URL);
    const zipsBefore = kit.archive.counters.zips;
    const dataset = path.join(root, "archive");
    const since = new Date(Math.floor(Date.now() / DAY) * DAY - 3 * DAY).toISOString();
    const until = new Date(Math.floor(Date.now() / DAY) * DAY - DAY).toISOString();
    const run = await cli(
      [
        "backfill",
        "--source",
        "archive",
        "-e",
        "binance",
        "-s",
        "BTC/USDT",
        "-t",
        "ohlcv_1h",
        "--since",
        since,
        "--until",
        until,
        "--dataset",
        dataset,
      ],
      { CEXDATA_PROXY_ARCHIVE: proxy.url },
    );
    expect(run.code, run.output.slice(-2000)).toBe(0);
    expect(await readTable(dataset, "ohlcv_1h")).toHaveLength(48);
    expect(kit.archive.counters.zips).toBeGreaterThan(zipsBefore);
    expect(proxy.requests[archiveHost]).toBeGreaterThanOrEqual(1);
    expectNoSecret(run.output, PASSWORD);
  });

  it("says the archive proxy refused the password instead of a bare fetch failure", async () => {
    const wrongUrl = proxy.url.replace(`:${PASSWORD}@`, `:${WRONG}@`);
    const proxied = createProxiedFetch({
      variable: "CEXDATA_PROXY_ARCHIVE",
      env: { CEXDATA_PROXY_ARCHIVE: wrongUrl },
      targetUrl: kit.env.CEXDATA_ARCHIVE_URL,
    });
    try {
      const failure = await proxied!
        .fetch(`${kit.env.CEXDATA_ARCHIVE_URL}/data/spot/daily/klines/`)
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ProxyRefusedError);
      expect((failure as ProxyRefusedError).message).toContain("CEXDATA_PROXY_ARCHIVE");
      expectNoSecret(`${String(failure)} ${JSON.stringify(failure)}`, WRONG);
    } finally {
      await proxied?.close();
    }
  });
});
