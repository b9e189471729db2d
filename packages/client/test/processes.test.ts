import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { commitDatasetDir } from "./support/serve-dataset.js";
import { buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset } from "./support/write-dataset.js";

const here = dirname(fileURLToPath(import.meta.url));
const tsx = resolve(here, "../../../node_modules/.bin/tsx");
let hub: HubSimulator;
let work: string;

beforeAll(async () => {
  hub = await startHubSimulator();
  work = await mkdtemp(join(tmpdir(), "cexdata-procs-"));
  await writeTestDataset(join(work, "ds"), buildStandardTables());
  await commitDatasetDir(hub, "cexdata/shared", join(work, "ds"));
});

afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

function runChild(cacheDir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(
      tsx,
      [
        "--conditions=@cexdata/source",
        join(here, "support/fill-cache-child.ts"),
        hub.url,
        cacheDir,
        "cexdata/shared",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => done({ code, out, err }));
  });
}

it("lets several processes fill one cache at once, each answering the same", async () => {
  const cacheDir = join(work, "cache");
  const children = await Promise.all(Array.from({ length: 4 }, () => runChild(cacheDir)));
  for (const child of children) expect(child.code, child.err).toBe(0);
  const outputs = new Set(children.map((c) => c.out));
  expect(outputs.size).toBe(1);
  const blobs = await readdir(join(cacheDir, "blobs"));
  expect(blobs.filter((b) => !b.endsWith(".parquet"))).toEqual([]);
  for (const blob of blobs) {
    const sha = createHash("sha256")
      .update(await readFile(join(cacheDir, "blobs", blob)))
      .digest("hex");
    expect(`${sha}.parquet`).toBe(blob);
  }
  // A fifth process finds everything cached and answers the same without downloading data.
  const before = hub.counters.requests.cdn;
  const late = await runChild(cacheDir);
  expect(late.out).toBe(children[0]!.out);
  expect(hub.counters.requests.cdn).toBe(before);
});
