import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { pruneCache } from "./prune-cache.js";

it("deletes the least recently used blobs down to the cap, sparing the ones in use", async () => {
  const cacheDir = await mkdtemp(join(tmpdir(), "cexdata-prune-"));
  const blobs = join(cacheDir, "blobs");
  await mkdir(blobs);
  for (const [name, age] of [
    ["old", 3],
    ["mid", 2],
    ["new", 1],
    ["inuse", 4],
  ] as const) {
    await writeFile(join(blobs, `${name}.parquet`), Buffer.alloc(100));
    const when = new Date(Date.now() - age * 3_600_000);
    await utimes(join(blobs, `${name}.parquet`), when, when);
  }
  const result = await pruneCache({ cacheDir, maxBytes: 250, keep: new Set([join(blobs, "inuse.parquet")]) });
  expect(result).toMatchObject({ removedFiles: 2, totalBytes: 200 });
  expect((await readdir(blobs)).sort()).toEqual(["inuse.parquet", "new.parquet"]);
  await rm(cacheDir, { recursive: true, force: true });
});
