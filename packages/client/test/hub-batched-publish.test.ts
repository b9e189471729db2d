import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublishError, publishDataset, squashHistory } from "@cexdata/pipeline";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset, RevisionNotFoundError, Token } from "../src/index.js";
import { makeCandles } from "./support/make-rows.js";
import { HOUR } from "./support/standard-tables.js";
import { writeManyCandleFiles } from "./support/write-many-files.js";

// Issue 19: while a publish lands in many commits, a reader only ever answers from the previous
// complete version or the new one; pins by tag hold through a squash, and a pin the squash removed is a
// named error, never another version's data.
const REPO = "cexdata/batched";
let hub: HubSimulator;
let work: string;
const dirs: Record<"v0" | "v1" | "v2", string> = { v0: "", v1: "", v2: "" };

/** ohlcv_1h rows of `bases` bases x `years` yearly files, two candles each; `price` tells versions apart. */
function candles(bases: number, years: number, price: (base: number, year: number) => number) {
  const rows = [];
  for (let b = 0; b < bases; b++) {
    for (let y = 0; y < years; y++) {
      const symbol = `T${String(b).padStart(4, "0")}/USDT`;
      const startMs = Date.UTC(2024 - y, 2, 1);
      rows.push(
        ...makeCandles({
          exchange: "binance",
          symbol,
          startMs,
          count: 2,
          intervalMs: HOUR,
          price: price(b, y),
        }),
      );
    }
  }
  return rows;
}

beforeAll(async () => {
  // The publisher's default logger, silenced.
  process.env.CEXDATA_LOG_LEVEL = "silent";
  hub = await startHubSimulator({ maxOperationsPerCommit: 100 });
  work = await mkdtemp(join(tmpdir(), "cexdata-batched-"));
  for (const v of ["v0", "v1", "v2"] as const) dirs[v] = join(work, v);
  await writeManyCandleFiles(
    dirs.v0,
    candles(1, 1, () => 50),
    { version: 1 },
  );
  // 250 bases x 8 years: 2,000 files.
  const v1Spec = await writeManyCandleFiles(
    dirs.v1,
    candles(250, 8, (b) => 100 + b),
    { version: 2 },
  );
  // A daily run: 400 files rewritten in place (the newest year of every base, the one before of 150).
  await cp(dirs.v1, dirs.v2, { recursive: true });
  const daily = (b: number, y: number) => (y === 0 || (y === 1 && b < 150) ? 900 + b : 100 + b);
  const rewritten = await writeManyCandleFiles(dirs.v2, candles(250, 2, daily), {
    version: 3,
    only: (path) => path.endsWith("2024.parquet") || Number(/T(\d+)/.exec(path)![1]) < 150,
  });
  const byPath = new Map(rewritten.tables.ohlcv_1h!.files.map((f) => [f.path, f]));
  expect(byPath.size).toBe(400);
  const files = v1Spec.tables.ohlcv_1h!.files.map((f) => byPath.get(f.path) ?? f);
  const v2Spec = { ...rewritten, tables: { ohlcv_1h: { ...v1Spec.tables.ohlcv_1h!, files } } };
  await writeFile(join(dirs.v2, "spec.json"), JSON.stringify(v2Spec, null, 2));
}, 180_000);
afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

let caches = 0;
const open = (revision?: string) =>
  new Dataset({
    source: `hf://datasets/${REPO}`,
    hubUrl: hub.url,
    cacheDir: join(work, `cache-${caches++}`),
    ttlMs: 0,
    logger: { warn: () => undefined },
    ...(revision && { revision }),
  });

/** What a user reads: T0000's newest candles, whose prices differ in every version. */
async function answer(dataset: Dataset): Promise<string> {
  return JSON.stringify(await new Token("T0000", { dataset }).ohlcv({ interval: "1h", start: "2024-01-01" }));
}

/**
 * Publishes `dir` while a reader (re-checking spec.json on every query) answers in a loop, and once
 * more before and after every commit call of the publisher; returns every answer seen.
 */
async function publishWhileReading(dir: string): Promise<string[]> {
  const reader = open();
  const seen: string[] = [];
  // One query at a time, as one user would ask.
  let queue = Promise.resolve();
  const readOnce = () => (queue = queue.then(async () => void seen.push(await answer(reader))));
  let publishing = true;
  const loop = (async () => {
    while (publishing) {
      await readOnce();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const publisherFetch: typeof fetch = async (input, init) => {
    const isCommit = /\/commit\/main$/.test(String(input instanceof Request ? input.url : input));
    if (isCommit) await readOnce();
    const response = await fetch(input, init);
    if (isCommit) await readOnce();
    return response;
  };
  try {
    await publishDataset({
      datasetDir: dir,
      repo: REPO,
      accessToken: hub.token,
      hubUrl: hub.url,
      fetch: publisherFetch,
    });
  } finally {
    publishing = false;
    await loop;
  }
  await readOnce();
  await reader.close();
  return seen;
}

async function answerAtTag(tag: string): Promise<string> {
  const dataset = open(tag);
  try {
    return await answer(dataset);
  } finally {
    await dataset.close();
  }
}

describe("a reader during a batched publish of 2,000 files", () => {
  it("only ever answers from the previous complete version or the new one", async () => {
    await publishDataset({ datasetDir: dirs.v0, repo: REPO, accessToken: hub.token, hubUrl: hub.url });
    const v0 = await answerAtTag("v1");

    const commitsBefore = hub.counters.commits;
    const duringFirst = await publishWhileReading(dirs.v1);
    expect(hub.counters.commits - commitsBefore).toBe(21);
    const v1 = await answerAtTag("v2");
    expect(new Set(duringFirst)).toEqual(new Set([v0, v1]));

    const dailyCommits = hub.counters.commits;
    const duringDaily = await publishWhileReading(dirs.v2);
    expect(hub.counters.commits - dailyCommits).toBe(5);
    const v2 = await answerAtTag("v3");
    expect(v2).not.toBe(v1);
    expect(new Set(duringDaily)).toEqual(new Set([v1, v2]));
    // The reader answered at every commit boundary, the old version until the spec commit landed.
    expect(duringDaily.filter((a) => a === v1).length).toBeGreaterThanOrEqual(5);
  }, 180_000);
});

describe("squashing the history", () => {
  it("keeps version tags resolvable, and a pin it removes is a RevisionNotFoundError", async () => {
    const tags = hub.listTags(`datasets/${REPO}`);
    const oldCommit = tags.v2!;
    const v1 = await answerAtTag("v2");
    const v2 = await answerAtTag("v3");

    const kept = await squashHistory({ repo: REPO, accessToken: hub.token, hubUrl: hub.url });
    expect(hub.listCommits(`datasets/${REPO}`)).toHaveLength(1);
    expect(kept.moved).toBe("v3");
    expect(hub.listTags(`datasets/${REPO}`).v3).toBe(hub.headOf(`datasets/${REPO}`));
    // Older tags hold their commits: a pin by tag, or by the tagged commit's id, still answers.
    expect(await answerAtTag("v2")).toBe(v1);
    expect(await answerAtTag(oldCommit)).toBe(v1);
    expect(await answerAtTag("v3")).toBe(v2);

    const refused = await squashHistory({
      repo: REPO,
      accessToken: hub.token,
      hubUrl: hub.url,
      keepVersions: 1,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PublishError);
    expect(refused).toMatchObject({ code: "squash-breaks-pins" });
    expect(hub.listTags(`datasets/${REPO}`).v2).toBe(oldCommit);

    await squashHistory({
      repo: REPO,
      accessToken: hub.token,
      hubUrl: hub.url,
      keepVersions: 1,
      confirm: true,
    });
    expect(Object.keys(hub.listTags(`datasets/${REPO}`))).toEqual(["v3"]);
    for (const pin of ["v2", oldCommit]) {
      const error = await answerAtTag(pin).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RevisionNotFoundError);
      expect(error).toMatchObject({ name: "RevisionNotFoundError", revision: pin, repo: REPO });
      expect((error as Error).message).toMatch(/no longer resolves/);
    }
    // The newest version is intact, on main and at its tag.
    const main = open();
    expect(await answer(main)).toBe(v2);
    await main.close();
    expect(await answerAtTag("v3")).toBe(v2);
  }, 120_000);
});
