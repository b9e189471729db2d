import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDatasetSpec, type DatasetSpec } from "@cexdata/schema";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { publishDataset, PublishError } from "../src/publish/index.js";
import {
  captureLogger,
  makeTempDir,
  sha256Hex,
  writeTestDataset,
  type CandleFile,
} from "./publish-fixture.js";

const REPO = "cexdata/market-data";
const BTC: CandleFile = {
  table: "ohlcv_1d",
  base: "BTC",
  start: "2024-01-01T00:00:00Z",
  count: 30,
  price: 40_000,
};
const ETH: CandleFile = {
  table: "ohlcv_1d",
  base: "ETH",
  start: "2024-01-01T00:00:00Z",
  count: 30,
  price: 2_000,
};
const BTC_1H: CandleFile = {
  table: "ohlcv_1h",
  base: "BTC",
  start: "2024-01-01T00:00:00Z",
  count: 48,
  price: 41_000,
};

let hub: HubSimulator;
let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  hub = await startHubSimulator();
  tmp = await makeTempDir("publish");
});
afterEach(async () => {
  await hub.stop();
  await tmp.remove();
});

const publish = (datasetDir = tmp.dir) =>
  publishDataset({
    datasetDir,
    repo: REPO,
    accessToken: hub.token,
    hubUrl: hub.url,
    logger: captureLogger().logger,
    retryDelayMs: 5,
  });

/** Reads a file the way any client does: GET resolve/<revision>/<path>. */
async function resolveFile(revision: string, path: string): Promise<Uint8Array> {
  const res = await fetch(`${hub.url}/datasets/${REPO}/resolve/${revision}/${path}`);
  expect(res.status, path).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

/** The spec at a revision, and every file it lists read back and checked against its sha256. */
async function expectConsistentRevision(revision: string): Promise<DatasetSpec> {
  const spec = parseDatasetSpec(
    JSON.parse(new TextDecoder().decode(await resolveFile(revision, "spec.json"))),
  );
  for (const table of Object.values(spec.tables)) {
    for (const file of table?.files ?? []) {
      const bytes = await resolveFile(revision, file.path);
      expect(sha256Hex(bytes), file.path).toBe(file.sha256);
      expect(bytes.byteLength).toBe(file.bytes);
    }
  }
  return spec;
}

describe("publishDataset", () => {
  it("publishes every file, spec.json and the card in one commit that reads back byte for byte", async () => {
    const local = await writeTestDataset(tmp.dir, { version: 1, files: [BTC, ETH, BTC_1H] });
    const before = hub.counters.commits;

    const result = await publish();

    expect(hub.counters.commits - before).toBe(2); // the repo's initial commit, then ours
    expect(result.commit).toBe(hub.headOf(`datasets/${REPO}`));
    expect(result.uploaded).toHaveLength(3);
    const spec = await expectConsistentRevision(result.commit!);
    expect(spec).toEqual(local);
    const card = new TextDecoder().decode(await resolveFile(result.commit!, "README.md"));
    expect(card).toMatch(/^---\n[\s\S]*config_name: ohlcv_1d/);
    // The same card is written into the local dataset dir.
    expect(await readFile(path.join(tmp.dir, "README.md"), "utf8")).toBe(card);
    expect(hub.listPaths(`datasets/${REPO}`)).not.toContain("runs");
  });

  it("publishes only the changed files in one new commit, and nothing when nothing changed", async () => {
    await writeTestDataset(tmp.dir, { version: 1, files: [BTC, ETH, BTC_1H] });
    const first = await publish();
    const uploadsBefore = hub.counters.requests["lfs-upload"];
    const commitsBefore = hub.counters.commits;

    await writeTestDataset(tmp.dir, { version: 2, files: [{ ...BTC, count: 31 }, ETH, BTC_1H] });
    const second = await publish();

    expect(hub.counters.commits - commitsBefore).toBe(1);
    expect(second.parent).toBe(first.commit);
    expect(second.uploaded).toEqual(["data/ohlcv_1d/base=BTC/all.parquet"]);
    expect(hub.counters.requests["lfs-upload"] - uploadsBefore).toBe(1);
    const spec = await expectConsistentRevision(second.commit!);
    expect(spec.version).toBe(2);

    const third = await publish();
    expect(third.commit).toBeNull();
    expect(hub.counters.commits - commitsBefore).toBe(1);
  });

  it("deletes files the new spec no longer lists, in the same commit", async () => {
    await writeTestDataset(tmp.dir, { version: 1, files: [BTC, ETH] });
    await publish();
    await writeTestDataset(tmp.dir, { version: 2, files: [BTC] });
    const result = await publish();
    expect(result.deleted).toEqual(["data/ohlcv_1d/base=ETH/all.parquet"]);
    expect(hub.listPaths(`datasets/${REPO}`)).not.toContain("data/ohlcv_1d/base=ETH/all.parquet");
    await expectConsistentRevision(result.commit!);
  });

  it.each([
    // Persistent faults: every attempt of the run fails the same way.
    { name: "uploads dropped midway", fault: { route: "lfs-upload", skip: 1, kind: "reset", times: 100 } },
    { name: "the commit call failing", fault: { route: "commit", status: 503, times: 100 } },
    { name: "a refused write", fault: { route: "preupload", status: 403 } },
  ] as const)(
    "leaves the previous revision intact after $name, and the next run recovers",
    async ({ fault }) => {
      await writeTestDataset(tmp.dir, { version: 1, files: [BTC, ETH] });
      const first = await publish();
      await writeTestDataset(tmp.dir, {
        version: 2,
        files: [{ ...BTC, count: 40 }, { ...ETH, count: 40 }, BTC_1H],
      });

      hub.faults.inject(fault);
      const error = await publish().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).code).toBe("hub");
      expect(hub.headOf(`datasets/${REPO}`)).toBe(first.commit);
      expect((await expectConsistentRevision("main")).version).toBe(1);

      hub.faults.clear();
      const retry = await publish();
      expect(retry.parent).toBe(first.commit);
      expect((await expectConsistentRevision("main")).version).toBe(2);
    },
  );

  it("retries a transient Hub failure within the run, and never commits twice when an answer was lost", async () => {
    await writeTestDataset(tmp.dir, { version: 1, files: [BTC] });
    const first = await publish();
    await writeTestDataset(tmp.dir, { version: 2, files: [{ ...BTC, count: 31 }] });
    const commitsBefore = hub.counters.commits;

    hub.faults.inject({ route: "preupload", status: 503 });
    const second = await publish();
    expect(second.attempts).toBe(2);
    expect(second.parent).toBe(first.commit);
    expect(hub.counters.commits - commitsBefore).toBe(1);

    await writeTestDataset(tmp.dir, { version: 3, files: [{ ...BTC, count: 32 }] });
    // The Hub applies the commit, then the answer is lost (a 502 instead of the commit id).
    hub.faults.inject({ route: "commit", kind: "after-apply", status: 502 });
    const third = await publish();
    expect(third.commit).toBe(hub.headOf(`datasets/${REPO}`));
    expect(third.uploaded).toEqual(["data/ohlcv_1d/base=BTC/all.parquet"]);
    expect(hub.counters.commits - commitsBefore).toBe(2);
    expect((await expectConsistentRevision("main")).version).toBe(3);
  });

  it("refuses a local version that is not newer than the Hub's", async () => {
    await writeTestDataset(tmp.dir, { version: 3, files: [BTC] });
    const published = await publish();
    await writeTestDataset(tmp.dir, { version: 2, files: [BTC, ETH] });

    const error = await publish().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).code).toBe("stale-version");
    expect((error as Error).message).toMatch(/version 2 .* version 3/);
    expect(hub.headOf(`datasets/${REPO}`)).toBe(published.commit);
  });

  it("refuses a local dataset whose files do not match its spec.json, before touching the Hub", async () => {
    await writeTestDataset(tmp.dir, { version: 1, files: [BTC] });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${tmp.dir}/data/ohlcv_1d/base=BTC/all.parquet`, "not parquet");
    const error = await publish().catch((e: unknown) => e);
    expect((error as PublishError).code).toBe("local-dataset");
    expect(hub.headOf(`datasets/${REPO}`)).toBeUndefined();
  });

  it("refuses a listed file of the right size but other bytes, naming it, before touching the Hub", async () => {
    await writeTestDataset(tmp.dir, { version: 1, files: [BTC, ETH] });
    const { readFile, writeFile } = await import("node:fs/promises");
    const file = `${tmp.dir}/data/ohlcv_1d/base=ETH/all.parquet`;
    const bytes = await readFile(file);
    bytes[bytes.length - 9] = bytes[bytes.length - 9]! ^ 0xff;
    await writeFile(file, bytes);
    const error = await publish().catch((e: unknown) => e);
    expect((error as PublishError).code).toBe("local-dataset");
    expect((error as Error).message).toMatch(
      /data\/ohlcv_1d\/base=ETH\/all\.parquet has sha256 [0-9a-f]{64}, spec\.json says/,
    );
    expect(hub.headOf(`datasets/${REPO}`)).toBeUndefined();
  });
});
