import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishRawLayer, pullRawLayer } from "../src/publish/raw-layer-hub.js";
import { RawLog, listRawFiles, readRawFile } from "../src/raw/raw-log.js";
import { captureLogger } from "./publish-fixture.js";
import { makeTempDir } from "./store-fixture-rows.js";

const REPO = "cexdata/market-data-raw";
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

let hub: HubSimulator;
beforeEach(async () => {
  hub = await startHubSimulator();
});
afterEach(async () => {
  await hub.stop();
});

/** A raw layer of `days` days of OKX funding bodies, one file per day. */
async function rawLayer(days: number, from = 0): Promise<{ dir: string; files: string[] }> {
  const dir = await makeTempDir("raw-hub");
  const log = await RawLog.open(dir, `run-${from}`);
  for (let d = from; d < from + days; d++) {
    log.append({
      receivedAt: T0 + d * DAY,
      exchange: "okx",
      transport: "rest",
      endpoint: "/api/v5/public/funding-rate-history",
      params: { instId: "BTC-USDT-SWAP" },
      table: "funding_rates",
      symbol: "BTC/USDT:USDT",
      status: 200,
      body: JSON.stringify({
        code: "0",
        data: [{ fundingTime: String(T0 + d * DAY), realizedRate: "0.0001" }],
      }),
    });
  }
  await log.seal();
  return { dir, files: (await listRawFiles(dir)).map((f) => path.relative(dir, f)) };
}

const here = import.meta.dirname;
const tsxLoader = pathToFileURL(path.resolve(here, "../../../node_modules/tsx/dist/loader.mjs")).href;
const cli = path.resolve(here, "../src/cli/main.ts");

async function cexdata(env: Record<string, string>, ...args: string[]) {
  return promisify(execFile)(
    process.execPath,
    ["--conditions=@cexdata/source", "--import", tsxLoader, cli, ...args],
    {
      env: { ...process.env, CEXDATA_LOG_LEVEL: "warn", ...env },
    },
  ).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

const hubParams = () => ({ repo: REPO, accessToken: hub.token, hubUrl: hub.url });

describe("the raw layer on the Hub", () => {
  it("goes up in commits within the operation limit, resumes after a failed commit, and pulls back byte for byte", async () => {
    const { dir, files } = await rawLayer(7);
    const logger = captureLogger().logger;
    // The third commit fails: what the first two landed stays, the rerun uploads only the rest.
    hub.faults.inject({ route: "commit", skip: 2, status: 500 });
    await expect(
      publishRawLayer({ hub: hubParams(), datasetDir: dir, files, maxOperations: 3, logger }),
    ).rejects.toThrow();
    const landed = hub.listPaths(`datasets/${REPO}`).filter((p) => p.startsWith("raw/"));
    expect(landed.length).toBe(6);

    const resumed = await publishRawLayer({
      hub: hubParams(),
      datasetDir: dir,
      files,
      maxOperations: 3,
      logger,
    });
    expect(resumed).toMatchObject({ uploaded: 1, alreadyThere: 6 });
    // A new Hub repo starts with .gitattributes; the raw layer adds its card and its files.
    expect(hub.listPaths(`datasets/${REPO}`)).toEqual([".gitattributes", "README.md", ...files].sort());
    // Nothing new: no commit at all.
    const again = await publishRawLayer({
      hub: hubParams(),
      datasetDir: dir,
      files,
      maxOperations: 3,
      logger,
    });
    expect(again).toEqual({ uploaded: 0, alreadyThere: 7, commits: [] });

    // A runner without local state seeds the raw layer back (a token is not needed to read a public repo).
    const fresh = await makeTempDir("raw-pull");
    const pulled = await pullRawLayer({ hub: { repo: REPO, hubUrl: hub.url }, datasetDir: fresh });
    expect(pulled.downloaded.sort()).toEqual(files);
    for (const f of files)
      expect(await readFile(path.join(fresh, f))).toEqual(await readFile(path.join(dir, f)));
    const records = await readRawFile(path.join(fresh, files[0]!));
    expect(records.records[0]!.record.body).toContain("realizedRate");
    // Pulling again downloads nothing.
    expect(
      (await pullRawLayer({ hub: { repo: REPO, hubUrl: hub.url }, datasetDir: fresh })).downloaded,
    ).toEqual([]);
  });

  it("refuses to publish without a token, naming what is missing", async () => {
    const { dir, files } = await rawLayer(1);
    await expect(
      publishRawLayer({
        hub: { repo: REPO, hubUrl: hub.url },
        datasetDir: dir,
        files,
        logger: captureLogger().logger,
      }),
    ).rejects.toThrow(/HF_TOKEN/);
  });

  it("cexdata publish --raw-repo and pull --raw carry the raw layer through the Hub; the token never shows", async () => {
    const { dir, files } = await rawLayer(3);
    const env = { HF_TOKEN: hub.token, HF_ENDPOINT: hub.url };
    const published = await cexdata(env, "publish", "--dataset", dir, "--raw-repo", REPO);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout.trim())).toMatchObject({
      rawRepo: REPO,
      uploaded: 3,
      alreadyThere: 0,
      commits: 1,
    });
    expect(published.stdout + published.stderr).not.toContain(hub.token);

    const fresh = await makeTempDir("raw-pull-cli");
    const pulled = await cexdata({ HF_ENDPOINT: hub.url }, "pull", "--dataset", fresh, "--raw", REPO);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout.trim())).toMatchObject({ rawRepo: REPO, downloaded: 3 });
    for (const f of files)
      expect(await readFile(path.join(fresh, f))).toEqual(await readFile(path.join(dir, f)));

    const neither = await cexdata(env, "publish", "--dataset", dir);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--repo .*--raw-repo/);
  });
});
