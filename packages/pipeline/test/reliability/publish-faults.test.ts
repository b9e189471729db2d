import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo, Socket } from "node:net";
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

/**
 * When to kill: once the Hub has served the `n`-th request of `route`, or the `k`-th request the
 * publisher sent it (in `requestsOfCleanPublish` order). Either way the kill comes while the publisher
 * waits for that request's answer, which the proxy holds back: it cannot have exited before.
 */
type KillMoment = { afterRequest: HubRoute; n: number } | { afterProxied: number };

interface KillOutcome {
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  /** Requests the publisher sent through the proxy, answered or held. */
  readonly proxied: number;
}

/**
 * A proxy in front of the Hub that forwards each request, and at `moment` holds the Hub's answer
 * back and calls `onMoment` (which kills the publisher). A held answer is dropped after 10 s, so a
 * publisher that was not killed ends on its own and the test sees that instead of hanging.
 */
async function startKillProxy(
  hub: HubSimulator,
  moment: KillMoment | null,
  onMoment: () => void,
): Promise<{ url: string; proxied: () => number; close: () => Promise<void> }> {
  const hubUrl = new URL(hub.url);
  const base = { ...hub.counters.requests };
  let proxied = 0;
  let fired = false;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seq = ++proxied;
      const upstream = httpRequest(
        {
          host: hubUrl.hostname,
          port: hubUrl.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: hubUrl.host },
        },
        (answer) => {
          const body: Buffer[] = [];
          answer.on("data", (c: Buffer) => body.push(c));
          answer.on("end", () => {
            const due =
              moment !== null &&
              !fired &&
              ("afterProxied" in moment
                ? seq >= moment.afterProxied
                : hub.counters.requests[moment.afterRequest] - base[moment.afterRequest] >= moment.n);
            if (due) {
              fired = true;
              onMoment();
              setTimeout(() => res.destroy(), 10_000).unref();
              return;
            }
            const headers = { ...answer.headers };
            delete headers["transfer-encoding"];
            res.writeHead(answer.statusCode ?? 502, {
              ...headers,
              "content-length": Buffer.concat(body).length,
            });
            res.end(Buffer.concat(body));
          });
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    proxied: () => proxied,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `cexdata publish` (from source) of v2 through a kill proxy; at `moment`, SIGKILLed. */
async function publishKilled(hub: HubSimulator, moment: KillMoment | null): Promise<KillOutcome> {
  let kill = () => {};
  const proxy = await startKillProxy(hub, moment, () => kill());
  try {
    return await new Promise<KillOutcome>((resolve) => {
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
          env: { ...process.env, HF_TOKEN: hub.token, HF_ENDPOINT: proxy.url, CEXDATA_LOG_LEVEL: "silent" },
          stdio: "ignore",
        },
      );
      kill = () => child.kill("SIGKILL");
      child.on("close", (code, signal) => resolve({ signal, code, proxied: proxy.proxied() }));
    });
  } finally {
    await proxy.close();
  }
}

describe("a publisher killed mid-publish", () => {
  /** How many requests an uninterrupted publish of v2 over v1 sends through the proxy. */
  let requestsOfCleanPublish = 0;
  beforeAll(async () => {
    const hub = await hubAtV1();
    try {
      const clean = await publishKilled(hub, null);
      expect(clean).toMatchObject({ code: 0, signal: null });
      expect(await expectCompleteVersion(hub)).toBe(2);
      requestsOfCleanPublish = clean.proxied;
    } finally {
      await hub.stop();
    }
  }, 60_000);

  const random = seededRandom(12);
  /** Fractions of the clean publish's requests: three seeded moments anywhere in the publish. */
  const fractions = Array.from({ length: 3 }, () => random());
  const moments: (KillMoment | { fraction: number })[] = [
    { afterRequest: "repo-info", n: 1 },
    { afterRequest: "commits", n: 1 },
    { afterRequest: "preupload", n: 1 },
    { afterRequest: "lfs-batch", n: 1 },
    { afterRequest: "commit", n: 1 },
    ...fractions.map((fraction) => ({ fraction })),
  ];
  it.each(moments)(
    "killed at %o: the publisher dies by SIGKILL, the Hub shows a complete version, and the next publish lands v2",
    async (at) => {
      const moment: KillMoment =
        "fraction" in at ? { afterProxied: 1 + Math.floor(at.fraction * requestsOfCleanPublish) } : at;
      const hub = await hubAtV1();
      try {
        const outcome = await publishKilled(hub, moment);
        expect(outcome.signal, `publisher exited with code ${outcome.code} before the kill`).toBe("SIGKILL");
        const version = await expectCompleteVersion(hub);
        // Killed after the Hub applied the commit: v2 is there, whatever the publisher never heard.
        if ("afterRequest" in moment && moment.afterRequest === "commit") expect(version).toBe(2);
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
