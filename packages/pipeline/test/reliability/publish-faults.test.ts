import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseDatasetSpec, type DatasetSpec } from "@cexdata/schema";
import { startHubSimulator, type HubRoute, type HubSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/create-logger.js";
import { PublishError, publishDataset } from "../../src/publish/index.js";
import { openDuckDB, quoteSqlString } from "../../src/store/index.js";
import { makeTempDir, sha256Hex, writeTestDataset, type CandleFile } from "../publish-fixture.js";
import { TSX_LOADER, seededRandom } from "./reliability-support.js";

// Issue 9, rule "a failed publish leaves the Hub at the previous consistent version": the publisher
// SIGKILLed at several moments of a publish, and a Hub refusing or dropping commits; the Hub's head is
// always a complete version, and the next publish lands the new one.
const REPO = "cexdata/reliability";
const CLI = path.resolve(import.meta.dirname, "../../src/cli/main.ts");
const BTC: CandleFile = {
  table: "ohlcv_1h",
  base: "BTC",
  start: "2024-01-01T00:00:00Z",
  count: 500,
  price: 40_000,
};
const ETH: CandleFile = {
  table: "ohlcv_1h",
  base: "ETH",
  start: "2024-01-01T00:00:00Z",
  count: 400,
  price: 2_000,
};
const SOL: CandleFile = {
  table: "ohlcv_1d",
  base: "SOL",
  start: "2024-01-01T00:00:00Z",
  count: 90,
  price: 100,
};
const quiet = createLogger({ level: "silent" });

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let v1: { dir: string; spec: DatasetSpec };
let v2: { dir: string; spec: DatasetSpec };
beforeAll(async () => {
  tmp = await makeTempDir("rel-publish");
  const dir1 = path.join(tmp.dir, "v1");
  const dir2 = path.join(tmp.dir, "v2");
  v1 = { dir: dir1, spec: await writeTestDataset(dir1, { version: 1, files: [BTC, ETH] }) };
  // v2 rewrites BTC, drops ETH and adds SOL: an upload, a delete and a new table in one commit.
  v2 = {
    dir: dir2,
    spec: await writeTestDataset(dir2, { version: 2, files: [{ ...BTC, count: 520, price: 41_000 }, SOL] }),
  };
});
afterAll(() => tmp.remove());

/** The head of the Hub: spec.json parses, every file it lists is there with its sha256 and row count. */
async function expectCompleteVersion(hub: HubSimulator): Promise<number> {
  const specBytes = hub.getFile(`datasets/${REPO}`, "main", "spec.json");
  expect(specBytes).toBeDefined();
  const spec = parseDatasetSpec(JSON.parse(Buffer.from(specBytes!).toString("utf8")));
  const expected = spec.version === 1 ? v1.spec : v2.spec;
  expect(spec.tables).toEqual(expected.tables);
  const duck = await openDuckDB({ threads: 1 });
  try {
    for (const table of Object.values(spec.tables)) {
      for (const file of table.files) {
        const bytes = hub.getFile(`datasets/${REPO}`, "main", file.path);
        expect(bytes, `${file.path} listed at head but missing`).toBeDefined();
        expect(sha256Hex(bytes!), file.path).toBe(file.sha256);
        const local = path.join(tmp.dir, `check-${sha256Hex(bytes!)}.parquet`);
        await writeFile(local, bytes!);
        const reader = await duck.connection.runAndReadAll(
          `SELECT count(*)::INTEGER AS n FROM read_parquet(${quoteSqlString(local)})`,
        );
        expect(reader.getRowObjectsJS()[0]!.n, file.path).toBe(file.rows);
      }
    }
  } finally {
    duck.close();
  }
  const listed = Object.values(spec.tables).flatMap((t) => t.files.map((f) => f.path));
  const data = hub.listPaths(`datasets/${REPO}`).filter((p) => p.startsWith("data/"));
  expect(data.sort()).toEqual(listed.sort());
  return spec.version;
}

const publish = (hub: HubSimulator, dir: string, maxAttempts = 4) =>
  publishDataset({
    datasetDir: dir,
    repo: REPO,
    accessToken: hub.token,
    hubUrl: hub.url,
    logger: quiet,
    maxAttempts,
    retryDelayMs: 5,
  });

/** A Hub holding v1, published cleanly. */
async function hubAtV1(): Promise<HubSimulator> {
  const hub = await startHubSimulator();
  await publish(hub, v1.dir);
  expect(await expectCompleteVersion(hub)).toBe(1);
  return hub;
}

type KillMoment = { afterRequest: HubRoute; n: number } | { afterMs: number };

/** `cexdata publish` (from source) of v2, SIGKILLed at `moment`; resolves when the child is gone. */
function publishKilled(hub: HubSimulator, moment: KillMoment): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@cexdata/source",
        "--import",
        TSX_LOADER,
        CLI,
        "publish",
        "--dataset",
        v2.dir,
        "--repo",
        REPO,
      ],
      {
        env: { ...process.env, HF_TOKEN: hub.token, HF_ENDPOINT: hub.url, CEXDATA_LOG_LEVEL: "silent" },
        stdio: "ignore",
      },
    );
    const base = { ...hub.counters.requests };
    const started = Date.now();
    const poll = setInterval(() => {
      const due =
        "afterMs" in moment
          ? Date.now() - started >= moment.afterMs
          : hub.counters.requests[moment.afterRequest] - base[moment.afterRequest] >= moment.n;
      if (due) child.kill("SIGKILL");
    }, 1);
    child.on("close", (_code, signal) => {
      clearInterval(poll);
      resolve(signal);
    });
  });
}

describe("a publisher killed mid-publish", () => {
  const random = seededRandom(12);
  const moments: KillMoment[] = [
    { afterRequest: "repo-info", n: 1 },
    { afterRequest: "tree", n: 1 },
    { afterRequest: "preupload", n: 1 },
    { afterRequest: "commit", n: 1 },
    ...Array.from({ length: 3 }, () => ({ afterMs: 1_500 + Math.floor(random() * 2_500) })),
  ];
  it.each(moments)(
    "killed at %o: the Hub shows a complete version, and the next publish lands v2",
    async (moment) => {
      const hub = await hubAtV1();
      try {
        const signal = await publishKilled(hub, moment);
        // A kill may come after the child finished: then v2 is already there, complete.
        const version = await expectCompleteVersion(hub);
        if (signal === null) expect(version).toBe(2);
        const next = await publish(hub, v2.dir);
        expect(next.version).toBe(2);
        expect(await expectCompleteVersion(hub)).toBe(2);
      } finally {
        await hub.stop();
      }
    },
    60_000,
  );
});

describe("a Hub that fails commits", () => {
  it("refusing every attempt with 5xx: the publish fails clearly, the Hub stays at v1, the next publish recovers", async () => {
    const hub = await hubAtV1();
    try {
      hub.faults.inject({ route: "commit", status: 503, times: 3 });
      const failed = await publish(hub, v2.dir, 3).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(PublishError);
      expect(await expectCompleteVersion(hub)).toBe(1);
      expect((await publish(hub, v2.dir)).version).toBe(2);
      expect(await expectCompleteVersion(hub)).toBe(2);
    } finally {
      await hub.stop();
    }
  });

  it.each(["reset", "after-apply"] as const)(
    "dropping the connection of the commit (%s): the Hub holds v1 or v2 complete, and the next publish ends at v2",
    async (kind) => {
      const hub = await hubAtV1();
      try {
        hub.faults.inject({ route: "commit", kind, status: 502, times: 2 });
        await publish(hub, v2.dir, 2).catch((e: unknown) => expect(e).toBeInstanceOf(PublishError));
        expect([1, 2]).toContain(await expectCompleteVersion(hub));
        await publish(hub, v2.dir);
        expect(await expectCompleteVersion(hub)).toBe(2);
        // A lost answer is not a reason to commit v2 twice.
        const v2Commits = hub
          .listCommits(`datasets/${REPO}`)
          .map((c) => hub.getFile(`datasets/${REPO}`, c.oid, "spec.json"))
          .filter(
            (b) =>
              b !== undefined && parseDatasetSpec(JSON.parse(Buffer.from(b).toString("utf8"))).version === 2,
          );
        expect(v2Commits).toHaveLength(1);
      } finally {
        await hub.stop();
      }
    },
  );
});
