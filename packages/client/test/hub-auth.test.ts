import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Row, TableName } from "@cexdata/schema";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
// The pipeline's store writes the dataset, freshness included (a devDependency, never imported by src/).
import { openDatasetStore } from "@cexdata/pipeline";
import { Dataset, DatasetAccessError, DatasetUnavailableError, Token } from "../src/index.js";
import { commitDatasetDir } from "./support/serve-dataset.js";
import { buildStandardTables } from "./support/standard-tables.js";

// The client against a private dataset on the Hub simulator, over real sockets: the token from the
// `token` option, HF_TOKEN or huggingface_hub's token file; a clear refusal without one; 429s retried
// after their Retry-After.
const PRIVATE = "cexdata/private";
const PUBLIC = "cexdata/public";
let hub: HubSimulator;
let work: string;
let datasetDir: string;
let noTokenHome: string;

beforeAll(async () => {
  hub = await startHubSimulator();
  work = await mkdtemp(join(tmpdir(), "cexdata-hub-auth-"));
  datasetDir = join(work, "dataset");
  noTokenHome = join(work, "no-token-home");
  await mkdir(noTokenHome);
  const store = await openDatasetStore({ dir: datasetDir });
  try {
    for (const [table, rows] of Object.entries(buildStandardTables()) as [TableName, Row<TableName>[]][]) {
      await store.stage(table, rows, "rest");
    }
    await store.commit();
    const newest = await store.readNewestTs("ohlcv_1m", ["binance", "okx"]);
    store.setFreshness([
      {
        table: "ohlcv_1m",
        exchange: "binance",
        last_success_at: "2024-06-01T00:20:00.000Z",
        newest_ts: new Date(newest.get("binance")!).toISOString(),
        blocked: { since: "2024-06-01T00:20:00.000Z", host: "fapi.binance.com", remedy: "use a proxy" },
      },
      {
        table: "ohlcv_1m",
        exchange: "okx",
        last_success_at: "2024-06-01T00:20:00.000Z",
        newest_ts: new Date(newest.get("okx")!).toISOString(),
      },
    ]);
    await store.commit();
  } finally {
    await store.close();
  }
  await commitDatasetDir(hub, PRIVATE, datasetDir);
  hub.setPrivate(`datasets/${PRIVATE}`, true);
  await commitDatasetDir(hub, PUBLIC, datasetDir);
});
beforeEach(() => hub.faults.clear());
afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

let caches = 0;
function openDataset(repo: string, options: { env?: NodeJS.ProcessEnv; token?: string } = {}) {
  return new Dataset({
    source: `hf://datasets/${repo}`,
    hubUrl: hub.url,
    cacheDir: join(work, `cache-${caches++}`),
    logger: { warn: () => undefined },
    // HF_HOME points at an empty dir so the machine's own token file is never picked up.
    env: options.env ?? { HF_HOME: noTokenHome },
    ...(options.token !== undefined && { token: options.token }),
  });
}

const firstCloses = async (dataset: Dataset) =>
  (await new Token("BTC", { dataset }).ohlcv({ interval: "1m", limit: 3 })).map((c) => c.close);

describe("a private dataset on the Hub", () => {
  it("is read with HF_TOKEN: spec.json and the Parquet files it needs", async () => {
    const dataset = openDataset(PRIVATE, { env: { HF_TOKEN: hub.token, HF_HOME: noTokenHome } });
    expect(await firstCloses(dataset)).toEqual(await firstCloses(new Dataset({ source: datasetDir })));
    expect(dataset.stats.downloads).toBeGreaterThan(0);
    await dataset.close();
  });

  it("is read with the token option, and with the token file huggingface-cli login writes", async () => {
    const withOption = openDataset(PRIVATE, { token: hub.token });
    expect((await withOption.spec()).version).toBeGreaterThan(0);

    const hfHome = join(work, "hf-home");
    await mkdir(hfHome, { recursive: true });
    await writeFile(join(hfHome, "token"), `${hub.token}\n`);
    const fromFile = openDataset(PRIVATE, { env: { HF_HOME: hfHome } });
    expect((await firstCloses(fromFile)).length).toBe(3);
    await fromFile.close();

    const xdg = join(work, "xdg");
    await mkdir(join(xdg, "huggingface"), { recursive: true });
    await writeFile(join(xdg, "huggingface", "token"), hub.token);
    expect((await openDataset(PRIVATE, { env: { XDG_CACHE_HOME: xdg } }).spec()).version).toBeGreaterThan(0);
  });

  it("is refused without a token with a DatasetAccessError that says how to give one", async () => {
    const error = await openDataset(PRIVATE)
      .spec()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetAccessError);
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect(error).toMatchObject({ name: "DatasetAccessError", status: 401, tokenSent: false });
    expect((error as Error).message).toContain(`hf://datasets/${PRIVATE}@main`);
    expect((error as Error).message).toContain("HF_TOKEN");
  });

  it("is refused with a wrong token, and the token appears in no error message", async () => {
    const wrong = "hf_WrongTokenThatMustNeverBePrinted";
    const error = await openDataset(PRIVATE, { env: { HF_TOKEN: wrong } })
      .spec()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "DatasetAccessError", tokenSent: true });
    const text = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(hub.token);
  });
});

describe("the Hub's rate limit", () => {
  it("retries a 429 on spec.json after its Retry-After in seconds, then answers", async () => {
    hub.faults.inject({ route: "resolve", status: 429, retryAfter: "1" });
    const before = hub.counters.requests.resolve;
    const dataset = openDataset(PUBLIC);
    expect((await dataset.spec()).version).toBeGreaterThan(0);
    expect(hub.counters.requests.resolve - before).toBe(2);
    expect(hub.faults.pending).toBe(0);
  });

  it("retries a 429 on a file download after its Retry-After as an HTTP date, token still sent", async () => {
    hub.faults.inject({ route: "cdn", status: 429, retryAfter: new Date(Date.now() + 1000).toUTCString() });
    const dataset = openDataset(PRIVATE, { token: hub.token });
    expect((await firstCloses(dataset)).length).toBe(3);
    expect(hub.faults.pending).toBe(0);
    await dataset.close();
  });

  it("gives up after a bounded number of 429s with a DatasetUnavailableError carrying the status", async () => {
    hub.faults.inject({ route: "resolve", status: 429, retryAfter: "0", times: 50 });
    const before = hub.counters.requests.resolve;
    const error = await openDataset(PUBLIC)
      .spec()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect(error).toMatchObject({ status: 429 });
    expect(hub.counters.requests.resolve - before).toBe(5);
  });
});

describe("dataset.freshness()", () => {
  it("returns spec.json's freshness entries as typed values with Dates, local and on the Hub", async () => {
    const expected = [
      {
        table: "ohlcv_1m",
        exchange: "binance",
        lastSuccessAt: new Date("2024-06-01T00:20:00.000Z"),
        newestTs: expect.any(Date) as Date,
        blocked: {
          since: new Date("2024-06-01T00:20:00.000Z"),
          host: "fapi.binance.com",
          remedy: "use a proxy",
        },
      },
      {
        table: "ohlcv_1m",
        exchange: "okx",
        lastSuccessAt: new Date("2024-06-01T00:20:00.000Z"),
        newestTs: expect.any(Date) as Date,
      },
    ];
    const local = await new Dataset({ source: datasetDir, cacheDir: join(work, "local-cache") }).freshness();
    expect(local).toEqual(expected);
    const newestOkx = (
      await new Token("BTC", { dataset: new Dataset({ source: datasetDir }) }).ohlcv({
        interval: "1m",
        exchange: "okx",
      })
    ).at(-1)!.ts;
    // newest_ts was read from the stored files: the open of okx's last stored 1m candle.
    expect(local[1]!.newestTs).toEqual(newestOkx);
    expect(await openDataset(PRIVATE, { token: hub.token }).freshness()).toEqual(local);
  });
});
