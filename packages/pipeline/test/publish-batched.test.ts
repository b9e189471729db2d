import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseDatasetSpec, type DatasetSpec } from "@cexdata/schema";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/log/create-logger.js";
import { PublishError, publishDataset, pullDataset } from "../src/publish/index.js";
import { deriveVersion, yearlyFiles } from "./helpers/many-files.js";
import { makeTempDir, sha256Hex, writeTestDataset } from "./publish-fixture.js";
import { FULL, seededRandom } from "./reliability/reliability-support.js";

// Issue 19: a dataset of thousands of files published in commits within the Hub's recommended size,
// resumable, each version tagged; a daily-size publish in at most 5 commits, an unchanged one in none.
// The CLI runs from dist/, as installed (`pnpm test` builds first), which starts faster than from source.
const CLI = path.resolve(import.meta.dirname, "../dist/cli/main.js");
const LIMIT = 100;
const quiet = createLogger({ level: "silent" });

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let v1: { dir: string; spec: DatasetSpec };
let v2: { dir: string; spec: DatasetSpec };
let hub: HubSimulator;

beforeAll(async () => {
  tmp = await makeTempDir("batched");
  const dir1 = path.join(tmp.dir, "v1");
  // 250 bases x 8 years: 2,000 data files.
  v1 = { dir: dir1, spec: await writeTestDataset(dir1, { version: 1, files: yearlyFiles(250) }) };
  // A daily run: the current year's file of 400 ... of 250 bases is 250, so also 2023's of 150.
  const changed = yearlyFiles(250, 500).filter(
    (f, i) => f.start.startsWith("2024") || (f.start.startsWith("2023") && i < 150 * 8),
  );
  const dir2 = path.join(tmp.dir, "v2");
  v2 = { dir: dir2, spec: await deriveVersion(v1, dir2, changed, 2) };
  hub = await startHubSimulator({ maxOperationsPerCommit: LIMIT });
}, 120_000);
afterAll(async () => {
  await hub.stop();
  await tmp.remove();
});

const publish = (repo: string, dir: string) =>
  publishDataset({
    datasetDir: dir,
    repo,
    accessToken: hub.token,
    hubUrl: hub.url,
    logger: quiet,
    retryDelayMs: 5,
  });

const specAt = (repo: string, revision: string): DatasetSpec | undefined => {
  const bytes = hub.getFile(`datasets/${repo}`, revision, "spec.json");
  return bytes && parseDatasetSpec(JSON.parse(Buffer.from(bytes).toString("utf8")));
};

/** Every file the spec at `revision` lists is there with its sha256, and no other data file is. */
function expectCompleteAt(repo: string, revision: string): DatasetSpec {
  const spec = specAt(repo, revision);
  expect(spec, `spec.json at ${revision}`).toBeDefined();
  const listed = Object.values(spec!.tables).flatMap((t) => t.files);
  for (const file of listed) {
    const bytes = hub.getFile(`datasets/${repo}`, revision, file.path);
    expect(bytes && sha256Hex(bytes), file.path).toBe(file.sha256);
  }
  const data = hub.listPaths(`datasets/${repo}`, revision).filter((p) => p.startsWith("data/"));
  expect(data.sort()).toEqual(listed.map((f) => f.path).sort());
  return spec!;
}

const REPO = "cexdata/batched";
/** Requests an uninterrupted publish of v1 into a new repo sends the Hub. */
let requestsOfCleanPublish = 0;

describe("publishing 2,000 files to a Hub that refuses commits over 100 operations", () => {
  it("lands in 21 commits, spec.json only in the last, and tags it v1", async () => {
    expect(v1.spec.tables.ohlcv_1h!.files).toHaveLength(2_000);
    const stop = hub.onRequest(() => requestsOfCleanPublish++);
    const first = await publish(REPO, v1.dir).finally(stop);
    // 2,000 files + spec.json + README.md = 2,002 operations: 20 full commits and one of 2.
    expect(first.commits).toHaveLength(21);
    expect(first.uploaded).toHaveLength(2_000);
    for (const commit of first.commits.slice(0, -1)) expect(specAt(REPO, commit)).toBeUndefined();
    expect(first.commit).toBe(hub.headOf(`datasets/${REPO}`));
    expect(hub.listTags(`datasets/${REPO}`)).toEqual({ v1: first.commit });
    expect(expectCompleteAt(REPO, "v1").version).toBe(1);
  });

  it("publishes a daily run's 400 rewritten files in 5 commits, and an unchanged dataset in none", async () => {
    const lfsBefore = hub.counters.lfsUploads;
    const second = await publish(REPO, v2.dir);
    expect(second.uploaded).toHaveLength(400);
    expect(second.commits.length).toBeLessThanOrEqual(5);
    expect(hub.counters.lfsUploads - lfsBefore).toBe(400);
    expect(expectCompleteAt(REPO, "main").version).toBe(2);
    expect(hub.listTags(`datasets/${REPO}`).v2).toBe(second.commit);
    // v1 stays readable, whole, at its tag.
    expect(expectCompleteAt(REPO, "v1").version).toBe(1);

    const commitsBefore = hub.counters.commits;
    const requestsBefore = { ...hub.counters.requests };
    const third = await publish(REPO, v2.dir);
    expect(third.commits).toEqual([]);
    expect(third.commit).toBeNull();
    expect(hub.counters.commits).toBe(commitsBefore);
    expect(hub.counters.requests["lfs-upload"]).toBe(requestsBefore["lfs-upload"]);
  });

  it("refuses a layout over the Hub's recommendations before touching the Hub", async () => {
    const requests = hub.counters.requests.commit;
    const error = await publishDataset({
      datasetDir: v1.dir,
      repo: "cexdata/crowded",
      accessToken: hub.token,
      hubUrl: hub.url,
      logger: quiet,
      layoutLimits: { filesPerRepo: 100_000, entriesPerFolder: 200 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ code: "layout" });
    expect((error as Error).message).toMatch(/folder data\/ohlcv_1h would hold 250 entries.*under 200/);
    expect(hub.counters.requests.commit).toBe(requests);
  });
});

describe("a publish that fails halfway (the Hub fails its second commit)", () => {
  const dir = (name: string) => path.join(tmp.dir, `small-${name}`);
  let a: { dir: string; spec: DatasetSpec };
  let b: { dir: string; spec: DatasetSpec };
  beforeAll(async () => {
    // 40 bases x 8 years = 320 files; version 2 rewrites 200 of them.
    a = { dir: dir("a"), spec: await writeTestDataset(dir("a"), { version: 1, files: yearlyFiles(40) }) };
    b = { dir: dir("b"), spec: await deriveVersion(a, dir("b"), yearlyFiles(40, 300).slice(0, 200), 2) };
  });

  /** Publishes `a`, then fails `b` after its first batch of 100 landed. */
  async function failHalfway(repo: string): Promise<void> {
    await publish(repo, a.dir);
    hub.faults.inject({ route: "commit", skip: 1, status: 500 });
    const failed = await publishDataset({
      datasetDir: b.dir,
      repo,
      accessToken: hub.token,
      hubUrl: hub.url,
      logger: quiet,
      maxAttempts: 1,
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(PublishError);
    expect(specAt(repo, "main")!.version).toBe(1);
    expect(hub.listCommits(`datasets/${repo}`)[0]!.title).toMatch(/100 data files/);
  }

  it("rerun: sends only what the Hub lacks, not even the objects of the commit that failed", async () => {
    const repo = "cexdata/failed-rerun";
    await failHalfway(repo);
    const lfsBefore = hub.counters.lfsUploads;
    const rerun = await publish(repo, b.dir);
    expect(rerun.uploaded).toHaveLength(100);
    // The second batch's objects reached the LFS store before its commit failed.
    expect(hub.counters.lfsUploads - lfsBefore).toBe(0);
    expect(expectCompleteAt(repo, "main").version).toBe(2);
    expect(expectCompleteAt(repo, "v1").version).toBe(1);
  });

  it("another version over it: `pull` reads version 1 whole, and the files the failed run rewrote are put back", async () => {
    const repo = "cexdata/failed-other";
    await failHalfway(repo);
    // Another run pulls version 1's newest partitions only, and changes 5 other files.
    const pulledDir = dir("pulled");
    const pulled = await pullDataset({
      repo,
      datasetDir: pulledDir,
      accessToken: hub.token,
      hubUrl: hub.url,
      include: (f) => f.path.endsWith("2024.parquet"),
    });
    expect(pulled.revision).toBe(hub.listTags(`datasets/${repo}`).v1);
    expect(pulled.downloaded).toHaveLength(40);
    const c = {
      dir: dir("c"),
      spec: await deriveVersion(
        { dir: pulledDir, spec: pulled.spec! },
        dir("c"),
        yearlyFiles(40, 900).slice(-5),
        3,
      ),
    };
    const result = await publish(repo, c.dir);
    // The 5 changed files, and the 100 the failed publish rewrote: its 2024 files from disk, the rest
    // (not pulled) from the Hub at version 1.
    expect(result.uploaded).toHaveLength(105);
    expect(expectCompleteAt(repo, "main").version).toBe(3);
    expect(expectCompleteAt(repo, "v3").version).toBe(3);
  });
});

/** `cexdata publish` of `dir` as a child process, SIGKILLed when the Hub receives its `killAt`-th request. */
function publishKilledAt(
  repo: string,
  dir: string,
  killAt: number | null,
): Promise<{ signal: string | null; requests: number }> {
  expect(existsSync(CLI), `${CLI} missing: build the pipeline first`).toBe(true);
  return new Promise((resolve) => {
    let requests = 0;
    const child = spawn(process.execPath, [CLI, "publish", "--dataset", dir, "--repo", repo], {
      env: { ...process.env, HF_TOKEN: hub.token, HF_ENDPOINT: hub.url, CEXDATA_LOG_LEVEL: "silent" },
      stdio: "ignore",
    });
    const stop = hub.onRequest(() => {
      requests++;
      if (killAt !== null && requests === killAt) child.kill("SIGKILL");
    });
    child.on("close", (_code, signal) => {
      stop();
      resolve({ signal, requests });
    });
  });
}

describe("a batched publish killed at a seeded random request", () => {
  const random = seededRandom(19);
  const kills = FULL ? 5 : 1;

  it.each(Array.from({ length: kills }, (_, i) => i))(
    "kill %i: the rerun ends at the clean publish's spec, uploading nothing the Hub already had",
    async (run) => {
      const repo = `cexdata/killed-${run}`;
      const killAt = 1 + Math.floor(random() * requestsOfCleanPublish);
      const killed = await publishKilledAt(repo, v1.dir, killAt);
      expect(killed.signal, `the publisher ended before its request ${killAt}`).toBe("SIGKILL");
      // Whatever landed, readers of main see no spec or a complete one.
      if (specAt(repo, "main")) expectCompleteAt(repo, "main");

      const stored = new Set(hub.lfsObjectIds(`datasets/${repo}`));
      const headBefore = hub.headOf(`datasets/${repo}`);
      const lfsBefore = hub.counters.lfsUploads;
      const rerun = await publish(repo, v1.dir);

      // The clean publish of the same dataset, at its tag (main has moved on to v2 since).
      const cleanSpec = hub.getFile(`datasets/${REPO}`, "v1", "spec.json")!;
      expect(Buffer.from(hub.getFile(`datasets/${repo}`, "main", "spec.json")!)).toEqual(
        Buffer.from(cleanSpec),
      );
      expect(expectCompleteAt(repo, "v1").version).toBe(1);
      const needed = new Set(v1.spec.tables.ohlcv_1h!.files.map((f) => f.sha256));
      const missing = [...needed].filter((sha) => !stored.has(sha));
      expect(hub.counters.lfsUploads - lfsBefore).toBe(missing.length);
      // No file committed before the kill is committed again.
      if (headBefore) {
        for (const p of rerun.uploaded) {
          const there = hub.getFile(`datasets/${repo}`, headBefore, p);
          const want = v1.spec.tables.ohlcv_1h!.files.find((f) => f.path === p)!.sha256;
          expect(there && sha256Hex(there), p).not.toBe(want);
        }
      }
    },
    120_000,
  );
});
