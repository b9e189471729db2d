import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { Dataset } from "../../src/index.js";
import { commitDatasetDir } from "../support/serve-dataset.js";
import { buildStandardTables } from "../support/standard-tables.js";
import { writeTestDataset } from "../support/write-dataset.js";
import { answer } from "./query-loop-child.js";

// Issue 9, rule "many processes sharing one cache" and "survives a corrupted or truncated cache file":
// 8 processes query one Hub dataset through one cache while v2 is published and cached files are
// damaged underneath them. Every answer is v1's or v2's, none fails, and all reach v2 past the TTL.
const REPO = "cexdata/reliability";
const PROCESSES = 8;
const TTL_MS = 500;
/** A process stops once it has answered v2 for this long (past the TTL window checked below). */
const SETTLE_MS = 4 * TTL_MS;
const tsx = resolve(import.meta.dirname, "../../../../node_modules/.bin/tsx");
let hub: HubSimulator;
let work: string;
type Answer = Awaited<ReturnType<typeof answer>>;
const expected: Record<"v1" | "v2", Answer> = { v1: { btc: "", eth: "" }, v2: { btc: "", eth: "" } };

beforeAll(async () => {
  hub = await startHubSimulator();
  work = await mkdtemp(join(tmpdir(), "cexdata-rel-procs-"));
  for (const version of [1, 2] as const) {
    const dir = join(work, `v${version}`);
    await writeTestDataset(dir, buildStandardTables({ version }), { version });
    const local = new Dataset({ source: dir, cacheDir: join(work, "local-cache") });
    expected[`v${version}`] = await answer(local);
    await local.close();
  }
  expect(expected.v1.btc).not.toBe(expected.v2.btc);
  expect(expected.v1.eth).not.toBe(expected.v2.eth);
  await commitDatasetDir(hub, REPO, join(work, "v1"), "v1");
});
afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

type Round = Answer & { startedAt: number };

function startChild(cacheDir: string, onAnswer: () => void) {
  const child = spawn(
    tsx,
    [
      "--conditions=@cexdata/source",
      join(import.meta.dirname, "query-loop-child.ts"),
      hub.url,
      REPO,
      String(TTL_MS),
      JSON.stringify(expected.v2),
      String(SETTLE_MS),
      "90000",
    ],
    { env: { ...process.env, CEXDATA_CACHE_DIR: cacheDir }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const answers: Round[] = [];
  let buffered = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => {
    buffered += c.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) answers.push(JSON.parse(line) as Round);
    onAnswer();
  });
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; err: string }>((done) =>
    child.on("close", (code) => done({ code, err })),
  );
  return { answers, exit };
}

/** Overwrites every cached blob with garbage of its size, or truncates it: a damaged cache. */
async function damageCache(cacheDir: string, round: number): Promise<number> {
  const dir = join(cacheDir, "blobs");
  const blobs = (await readdir(dir)).filter((b) => b.endsWith(".parquet"));
  for (const [i, blob] of blobs.entries()) {
    const path = join(dir, blob);
    await ((i + round) % 2 === 0 ? writeFile(path, Buffer.alloc(4096, 7)) : truncate(path, 10));
  }
  return blobs.length;
}

it(`${PROCESSES} processes on one damaged cache: no crash, no wrong row, all on the new version past the TTL`, async () => {
  const cacheDir = join(work, "shared-cache");
  // A cache some earlier process filled, then left damaged: half the blobs garbage, half truncated.
  const filler = new Dataset({ source: `hf://datasets/${REPO}`, hubUrl: hub.url, cacheDir });
  expect(await answer(filler)).toEqual(expected.v1);
  await filler.close();
  const damaged = await damageCache(cacheDir, 0);
  expect(damaged).toBeGreaterThan(0);
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const children: ReturnType<typeof startChild>[] = [];
  const check = () => {
    if (children.length === PROCESSES && children.every((c) => c.answers.length > 0)) resolveReady();
  };
  for (let i = 0; i < PROCESSES; i++) children.push(startChild(cacheDir, check));
  await ready;

  // Every process has answered from the repaired cache: publish v2 under them.
  await commitDatasetDir(hub, REPO, join(work, "v2"), "v2");
  const publishedAt = Date.now();
  const exits = await Promise.all(children.map((c) => c.exit));

  let queries = 0;
  for (const [i, child] of children.entries()) {
    expect(exits[i]!.code, exits[i]!.err).toBe(0);
    for (const part of ["btc", "eth"] as const) {
      const valid = new Set([expected.v1[part], expected.v2[part]]);
      expect(
        child.answers.filter((a) => !valid.has(a[part])),
        `process ${i} ${part}`,
      ).toEqual([]);
      // Once past the TTL (plus one TTL for a spec request in flight at publish time), only v2.
      const late = child.answers.filter((a) => a.startedAt > publishedAt + 2 * TTL_MS);
      expect(late.length, `process ${i}`).toBeGreaterThan(0);
      expect(
        late.filter((a) => a[part] !== expected.v2[part]),
        `process ${i} ${part}`,
      ).toEqual([]);
      queries += child.answers.length;
    }
  }
  console.info(
    `[reliability] client concurrency: ${PROCESSES} processes, ${queries} query answers checked, ${damaged} cached blobs damaged, ttl ${TTL_MS} ms`,
  );
}, 150_000);
