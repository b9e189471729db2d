import { mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { Dataset, Token } from "../../src/index.js";
import { commitDatasetDir } from "../support/serve-dataset.js";
import { buildStandardTables } from "../support/standard-tables.js";
import { writeTestDataset } from "../support/write-dataset.js";

// Rule "the client survives a corrupted cache file (re-downloads)", for a Dataset that lives on: a
// cached file damaged after the Dataset checked it (another process, a disk) must not end a query
// with a DuckDB read error. The damage keeps size and mtime, as a race between the check and the read
// does: the one deterministic way to land in that window.
const REPO = "cexdata/reliability-damage";
let hub: HubSimulator;
let work: string;
beforeAll(async () => {
  hub = await startHubSimulator();
  work = await mkdtemp(join(tmpdir(), "cexdata-rel-damage-"));
  await writeTestDataset(join(work, "v1"), buildStandardTables({ version: 1 }), { version: 1 });
  await commitDatasetDir(hub, REPO, join(work, "v1"), "v1");
});
afterAll(async () => {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

it("a long-lived Dataset whose cached file is damaged after its check re-downloads it and answers right", async () => {
  const cacheDir = join(work, "cache");
  const dataset = new Dataset({ source: `hf://datasets/${REPO}`, hubUrl: hub.url, cacheDir });
  try {
    const eth = new Token("ETH", { dataset });
    const expected = await eth.ohlcv({ interval: "1d" });
    const blobs = (await readdir(join(cacheDir, "blobs"))).filter((b) => b.endsWith(".parquet"));
    // Whole-second mtimes, so the damage below can put them back exactly; the next query re-checks them.
    const stamp = new Date(Date.UTC(2024, 0, 1));
    for (const blob of blobs) await utimes(join(cacheDir, "blobs", blob), stamp, stamp);
    expect(await eth.ohlcv({ interval: "1d" })).toEqual(expected);
    for (const blob of blobs) {
      const path = join(cacheDir, "blobs", blob);
      const before = await stat(path);
      await writeFile(path, Buffer.alloc(before.size, 7));
      await utimes(path, stamp, stamp);
      const after = await stat(path);
      // The damage really is invisible to a size-and-mtime check.
      expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    }
    expect(await eth.ohlcv({ interval: "1d" })).toEqual(expected);
  } finally {
    await dataset.close();
  }
});
