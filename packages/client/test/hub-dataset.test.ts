import { mkdtemp, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { selectFiles } from "../src/query/select-files.js";
import { Dataset, DatasetUnavailableError, IntegrityError, SpecError, Token } from "../src/index.js";
import { commitDatasetDir, countingFetch } from "./support/serve-dataset.js";
import { buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset } from "./support/write-dataset.js";

const REPO = "cexdata/test";
let hub: HubSimulator;
let work: string;
let v1Commit: string;
let v1Dir: string;
let v2Dir: string;

beforeAll(async () => {
  hub = await startHubSimulator();
  work = await mkdtemp(join(tmpdir(), "cexdata-hub-"));
  v1Dir = join(work, "v1");
  v2Dir = join(work, "v2");
  await writeTestDataset(v1Dir, buildStandardTables({ version: 1 }), { version: 1 });
  await writeTestDataset(v2Dir, buildStandardTables({ version: 2 }), { version: 2 });
  v1Commit = await commitDatasetDir(hub, REPO, v1Dir, "v1");
});

afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

let cacheCount = 0;
function openDataset(
  options: { cacheDir?: string; ttlMs?: number; now?: () => number; revision?: string; repo?: string } = {},
) {
  const counter = countingFetch();
  const { repo, ...rest } = options;
  const dataset = new Dataset({
    source: `hf://datasets/${repo ?? REPO}`,
    hubUrl: hub.url,
    cacheDir: options.cacheDir ?? join(work, `cache-${cacheCount++}`),
    fetch: counter.fetch,
    logger: { warn: () => undefined },
    ...rest,
  });
  return { dataset, requests: counter.requests };
}

const firstClose = async (dataset: Dataset) =>
  (await new Token("BTC", { dataset }).ohlcv({ limit: 1 }))[0]!.close;

describe("a dataset on the Hub", () => {
  it("downloads only the files a query needs, then answers the same query with no request", async () => {
    const { dataset, requests } = openDataset();
    const rows = await new Token("BTC", { dataset }).ohlcv({ interval: "1m", start: "2024-02-01" });
    expect(rows.length).toBeGreaterThan(0);
    const needed = selectFiles(await dataset.spec(), "ohlcv_1m", {
      bases: ["BTC"],
      start: Date.UTC(2024, 1, 1),
      end: Date.UTC(2200, 0, 1),
    });
    expect(needed.map((f) => f.path)).toEqual(["data/ohlcv_1m/base=BTC/2024-02.parquet"]);
    expect(dataset.stats).toEqual({ downloads: 1, bytesDownloaded: needed[0]!.bytes });
    const before = requests.length;
    const again = await new Token("BTC", { dataset }).ohlcv({ interval: "1m", start: "2024-02-01" });
    expect(again).toEqual(rows);
    expect(requests.length).toBe(before);
    await dataset.close();
  });

  it("fetches data files at the commit its spec.json came from (X-Repo-Commit)", async () => {
    const { dataset, requests } = openDataset();
    await dataset.spec();
    expect(requests.some((r) => r.endsWith("/resolve/main/spec.json"))).toBe(true);
    await firstClose(dataset);
    const parquet = requests.filter((r) => r.includes(".parquet"));
    expect(parquet.length, "the query downloaded no data file").toBeGreaterThan(0);
    expect(parquet.filter((r) => !r.includes(`/resolve/${v1Commit}/`))).toEqual([]);
    await dataset.close();
  });

  it("sees a new version after the TTL, and a pinned commit keeps the old rows", async () => {
    let now = 0;
    const { dataset: moving } = openDataset({ ttlMs: 60_000, now: () => now });
    const { dataset: pinned } = openDataset({ ttlMs: 60_000, now: () => now, revision: v1Commit });
    const old = await firstClose(moving);
    expect(await firstClose(pinned)).toBe(old);
    const ethV1 = await new Token("ETH", { dataset: pinned }).ohlcv();
    // Past the TTL with nothing new, the re-check is a conditional GET answered 304: no body served.
    now += 61_000;
    const served = hub.counters.bytesServed;
    const resolves = hub.counters.requests.resolve;
    expect(await firstClose(moving)).toBe(old);
    expect(hub.counters.requests.resolve).toBe(resolves + 1);
    expect(hub.counters.bytesServed).toBe(served);
    await commitDatasetDir(hub, REPO, v2Dir, "v2");
    now += 30_000;
    expect(await firstClose(moving)).toBe(old);
    // Within the TTL, a file never fetched before still comes from the spec's commit, not from main.
    expect(await new Token("ETH", { dataset: moving }).ohlcv()).toEqual(ethV1);
    now += 60_000;
    expect(await firstClose(moving)).not.toBe(old);
    expect((await moving.spec()).version).toBe(2);
    expect(await firstClose(pinned)).toBe(old);
    expect((await pinned.spec()).version).toBe(1);
    await Promise.all([moving.close(), pinned.close()]);
  });
});

describe("a damaged cache or download", () => {
  it("re-downloads a corrupted or truncated cached file", async () => {
    const cacheDir = join(work, "cache-damaged");
    const { dataset } = openDataset({ cacheDir, revision: v1Commit });
    const expected = await new Token("ETH", { dataset }).ohlcv();
    const blobs = (await readdir(join(cacheDir, "blobs"))).filter((n) => n.endsWith(".parquet"));
    expect(blobs.length).toBeGreaterThan(0);
    for (const blob of blobs) {
      const path = join(cacheDir, "blobs", blob);
      const size = (await import("node:fs")).statSync(path).size;
      await writeFile(path, Buffer.alloc(size, 7));
    }
    const fresh = openDataset({ cacheDir, revision: v1Commit });
    expect(await new Token("ETH", { dataset: fresh.dataset }).ohlcv()).toEqual(expected);
    expect(fresh.dataset.stats.downloads).toBe(blobs.length);
    await truncate(join(cacheDir, "blobs", blobs[0]!), 10);
    const third = openDataset({ cacheDir, revision: v1Commit });
    expect(await new Token("ETH", { dataset: third.dataset }).ohlcv()).toEqual(expected);
    expect(third.dataset.stats.downloads).toBe(1);
    await Promise.all([dataset.close(), fresh.dataset.close(), third.dataset.close()]);
  });

  it("refuses a truncated download, retries it, and reports a clear IntegrityError if it stays broken", async () => {
    const { dataset } = openDataset({ revision: v1Commit });
    await dataset.spec();
    hub.faults.inject({ route: "cdn", kind: "truncate", times: 1 });
    expect((await new Token("SOL", { dataset }).ohlcv()).length).toBeGreaterThan(0);
    const broken = openDataset({ revision: v1Commit });
    await broken.dataset.spec();
    hub.faults.inject({ route: "cdn", kind: "truncate", times: 2 });
    const error = await new Token("SOL", { dataset: broken.dataset }).ohlcv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).path).toBe("data/ohlcv_1d/base=SOL/all.parquet");
    await Promise.all([dataset.close(), broken.dataset.close()]);
  });
});

describe("a bad manifest", () => {
  it("names the bad field of spec.json", async () => {
    hub.commitFiles("datasets/cexdata/bad-spec", {
      "spec.json": JSON.stringify({ version: "two", update_time: "x", tables: {} }),
    });
    const { dataset } = openDataset({ repo: "cexdata/bad-spec" });
    const error = await dataset.spec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).field).toBe("version");
    hub.commitFiles("datasets/cexdata/not-json", { "spec.json": "{ nope" });
    await expect(openDataset({ repo: "cexdata/not-json" }).dataset.spec()).rejects.toThrow(SpecError);
  });

  it("refuses a manifest path outside the dataset", async () => {
    const spec = {
      version: 1,
      update_time: "2024-01-01T00:00:00Z",
      tables: {
        ohlcv_1d: {
          columns: [],
          files: [
            {
              path: "../../etc/passwd",
              rows: 1,
              bytes: 10,
              sha256: "0".repeat(64),
              min_ts: null,
              max_ts: null,
            },
          ],
        },
      },
    };
    hub.commitFiles("datasets/cexdata/escape", { "spec.json": JSON.stringify(spec) });
    const error = await new Token("BTC", { dataset: openDataset({ repo: "cexdata/escape" }).dataset })
      .ohlcv()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).path).toBe("../../etc/passwd");
  });
});

describe("the Hub away", () => {
  it("answers from the cache and warns once; with nothing cached, says what it tried", async () => {
    const away = await startHubSimulator();
    await commitDatasetDir(away, "cexdata/away", v1Dir);
    const cacheDir = join(work, "cache-away");
    const source = "hf://datasets/cexdata/away";
    const warm = new Dataset({ source, hubUrl: away.url, cacheDir });
    const expected = await new Token("BTC", { dataset: warm }).ohlcv();
    await warm.close();
    await away.stop();

    const warnings: string[] = [];
    const offline = new Dataset({
      source,
      hubUrl: away.url,
      cacheDir,
      ttlMs: 0,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(await new Token("BTC", { dataset: offline }).ohlcv()).toEqual(expected);
    expect(await new Token("BTC", { dataset: offline }).ohlcv()).toEqual(expected);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${away.url}/datasets/cexdata/away/resolve/main/spec.json`);
    // Cached spec, but a file never fetched: a clear error naming the file.
    await expect(new Token("ETH", { dataset: offline }).ohlcv()).rejects.toThrow(DatasetUnavailableError);
    await offline.close();

    const empty = new Dataset({ source, hubUrl: away.url, cacheDir: join(work, "cache-empty") });
    const error = await new Token("BTC", { dataset: empty }).ohlcv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect((error as DatasetUnavailableError).url).toBe(
      `${away.url}/datasets/cexdata/away/resolve/main/spec.json`,
    );
    expect((error as Error).message).toMatch(/nothing of this dataset is cached/);
  });
});
