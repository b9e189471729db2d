import { afterEach, beforeEach, expect, it } from "vitest";
import { parseDatasetSpec } from "@cexdata/schema";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { publishDataset, PublishError, type PublishResult } from "../src/publish/index.js";
import {
  captureLogger,
  makeTempDir,
  sha256Hex,
  writeTestDataset,
  type CandleFile,
} from "./publish-fixture.js";

const REPO = "cexdata/market-data";
const day = (base: string, price: number, count = 10): CandleFile => ({
  table: "ohlcv_1d",
  base,
  start: "2024-03-01T00:00:00Z",
  count,
  price,
});

let hub: HubSimulator;
const dirs: Awaited<ReturnType<typeof makeTempDir>>[] = [];
beforeEach(async () => {
  hub = await startHubSimulator();
});
afterEach(async () => {
  await hub.stop();
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

async function datasetDir(version: number, files: CandleFile[]): Promise<string> {
  const tmp = await makeTempDir("race");
  dirs.push(tmp);
  await writeTestDataset(tmp.dir, { version, files });
  return tmp.dir;
}

const isCommitCall = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
  init?.method === "POST" &&
  /\/api\/datasets\/.+\/commit\//.test(String(input instanceof Request ? input.url : input));

/** A fetch that holds its first commit call until `gate` resolves, and says when it got there. */
function gatedFetch(gate: () => Promise<unknown>, onReached: () => void): typeof fetch {
  let held = false;
  return async (input, init) => {
    if (!held && isCommitCall(input, init)) {
      held = true;
      onReached();
      await gate().catch(() => undefined);
    }
    return fetch(input, init);
  };
}

it("two publishers racing on one repo: one wins, the other merges on top and every file of both is listed", async () => {
  const baseDir = await datasetDir(1, [day("BTC", 40_000)]);
  const publishAs = (datasetDir: string, f: typeof fetch) =>
    publishDataset({
      datasetDir,
      repo: REPO,
      accessToken: hub.token,
      hubUrl: hub.url,
      fetch: f,
      logger: captureLogger().logger,
    });
  const v1 = await publishAs(baseDir, fetch);

  // Both shards start from version 1 and add different tokens, each as version 2.
  const dirA = await datasetDir(2, [day("BTC", 40_000), day("ETH", 2_000)]);
  const dirB = await datasetDir(2, [day("BTC", 40_000), day("SOL", 100)]);
  let bReachedCommit!: () => void;
  const bAtCommit = new Promise<void>((resolve) => (bReachedCommit = resolve));
  // A commits only once B has read the same head and is about to commit; B commits only after A has won.
  const a: Promise<PublishResult> = publishAs(
    dirA,
    gatedFetch(
      () => bAtCommit,
      () => undefined,
    ),
  );
  const b = publishAs(
    dirB,
    gatedFetch(() => a, bReachedCommit),
  );
  const [ra, rb] = await Promise.all([a, b]);

  expect(ra.parent).toBe(v1.commit);
  expect(ra.merged).toBe(false);
  expect(rb.attempts).toBe(2);
  expect(rb.merged).toBe(true);
  expect(rb.parent).toBe(ra.commit);
  expect(hub.headOf(`datasets/${REPO}`)).toBe(rb.commit);

  const specBytes = hub.getFile(`datasets/${REPO}`, "main", "spec.json")!;
  const spec = parseDatasetSpec(JSON.parse(new TextDecoder().decode(specBytes)));
  expect(spec.version).toBe(3);
  const paths = spec.tables.ohlcv_1d!.files.map((f) => f.path);
  expect(paths).toEqual([
    "data/ohlcv_1d/base=BTC/all.parquet",
    "data/ohlcv_1d/base=ETH/all.parquet",
    "data/ohlcv_1d/base=SOL/all.parquet",
  ]);
  for (const file of spec.tables.ohlcv_1d!.files) {
    expect(sha256Hex(hub.getFile(`datasets/${REPO}`, "main", file.path)!)).toBe(file.sha256);
  }
});

it("refuses to merge when both publishers rewrote the same file, leaving the winner's commit in place", async () => {
  const baseDir = await datasetDir(1, [day("BTC", 40_000)]);
  const publishAs = (datasetDir: string, f: typeof fetch) =>
    publishDataset({
      datasetDir,
      repo: REPO,
      accessToken: hub.token,
      hubUrl: hub.url,
      fetch: f,
      logger: captureLogger().logger,
    });
  await publishAs(baseDir, fetch);
  const dirA = await datasetDir(2, [day("BTC", 40_000, 11)]);
  const dirB = await datasetDir(2, [day("BTC", 40_000, 12)]);
  let bReachedCommit!: () => void;
  const bAtCommit = new Promise<void>((resolve) => (bReachedCommit = resolve));
  const a = publishAs(
    dirA,
    gatedFetch(
      () => bAtCommit,
      () => undefined,
    ),
  );
  const b = publishAs(
    dirB,
    gatedFetch(() => a, bReachedCommit),
  ).catch((e: unknown) => e);
  const [ra, eb] = await Promise.all([a, b]);

  expect(eb).toBeInstanceOf(PublishError);
  expect((eb as PublishError).code).toBe("conflict");
  expect(hub.headOf(`datasets/${REPO}`)).toBe(ra.commit);
});

it("never writes the token to the logs or into an error", async () => {
  const dir = await datasetDir(1, [day("BTC", 40_000)]);
  const { logger, output } = captureLogger();
  const ok = await publishDataset({
    datasetDir: dir,
    repo: REPO,
    accessToken: hub.token,
    hubUrl: hub.url,
    logger,
  });
  expect(ok.commit).not.toBeNull();

  // A wrong token of the right shape: the Hub refuses it, and the error must not echo it back.
  const wrong = "hf_" + "x".repeat(30);
  const error = await publishDataset({
    datasetDir: dir,
    repo: "cexdata/other",
    accessToken: wrong,
    hubUrl: hub.url,
    logger,
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PublishError);
  logger.error({ err: error }, "publish failed");

  expect(output()).toContain("published");
  expect(output()).not.toContain(hub.token);
  expect(output()).not.toContain(wrong);
  expect(String(error)).not.toContain(wrong);
});
