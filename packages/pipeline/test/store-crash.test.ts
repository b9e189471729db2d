import { spawn } from "node:child_process";
import { cp, readFile, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatasetStore, verifyDataset } from "../src/store/index.js";
import { CRASH_CLOCK, stageCrashRun } from "./store-crash-rows.js";
import { makeTempDir } from "./store-fixture-rows.js";

const here = import.meta.dirname;
// One process (node with tsx's loader), so the SIGKILL it sends itself is what the parent sees.
const tsxLoader = pathToFileURL(path.resolve(here, "../../../node_modules/tsx/dist/loader.mjs")).href;
let work: string;
let seeded: string;
let reference: string;

async function runCommit(dir: string, run: number): Promise<void> {
  const store = await openDatasetStore({ dir, nowMs: () => CRASH_CLOCK });
  await stageCrashRun(store, run);
  await store.commit();
  await store.close();
}

function runChild(
  dir: string,
  run: number,
  killAt: string,
): Promise<{ signal: NodeJS.Signals | null; err: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@cexdata/source",
        "--import",
        tsxLoader,
        path.join(here, "store-crash-child.ts"),
        dir,
        String(run),
        killAt,
      ],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (_code, signal) => done({ signal, err }));
  });
}

/** Every file of a dataset (but the store's work dir) with its bytes, for comparing whole datasets. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const rel = path.relative(dir, path.join(e.parentPath, e.name));
    if (!e.isFile() || rel.startsWith(".cexdata")) continue;
    out[rel] = (await readFile(path.join(dir, rel))).toString("base64");
  }
  return out;
}

beforeAll(async () => {
  work = await makeTempDir("cexdata-crash-");
  seeded = path.join(work, "seeded");
  reference = path.join(work, "reference");
  await runCommit(seeded, 1);
  await cp(seeded, reference, { recursive: true });
  await runCommit(reference, 2);
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("a store killed during a commit", () => {
  it.concurrent.each([
    "file-written#1",
    "file-written#4",
    "journal-written#1",
    "file-moved#1",
    "file-moved#3",
    "spec-written#1",
  ])(
    "killed at %s: the next open recovers a consistent dataset, and a rerun equals the uninterrupted run",
    async (killAt) => {
      const dir = path.join(work, killAt.replace("#", "-"));
      await cp(seeded, dir, { recursive: true });
      const { signal, err } = await runChild(dir, 2, killAt);
      expect({ signal, err }).toEqual({ signal: "SIGKILL", err: "" });

      const reopened = await openDatasetStore({ dir, nowMs: () => CRASH_CLOCK });
      await reopened.close();
      const check = await verifyDataset({ dir, nowMs: () => CRASH_CLOCK });
      expect(check.problems).toEqual([]);
      expect(await readdir(path.join(dir, ".cexdata"))).toEqual([]);

      await runCommit(dir, 2);
      expect(await snapshot(dir)).toEqual(await snapshot(reference));
    },
  );

  it("the uninterrupted child run itself matches the in-process reference", async () => {
    const dir = path.join(work, "child-none");
    await cp(seeded, dir, { recursive: true });
    expect((await runChild(dir, 2, "none")).signal).toBeNull();
    expect(await snapshot(dir)).toEqual(await snapshot(reference));
  });
});
