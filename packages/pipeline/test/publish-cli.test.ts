import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "@cexdata/testkit";
import { createLogger } from "../src/log/create-logger.js";
import { publishDataset } from "../src/publish/index.js";
import { makeTempDir, writeTestDataset, type CandleFile } from "./publish-fixture.js";

const quiet = createLogger({ level: "silent" });

// The CLI runs from dist/, as installed: `pnpm --filter @cexdata/pipeline... build` first (`pnpm test` does).
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist/cli/main.js");
const REPO = "cexdata/market-data";
const BTC: CandleFile = {
  table: "ohlcv_1d",
  base: "BTC",
  start: "2024-01-01T00:00:00Z",
  count: 5,
  price: 40_000,
};

let hub: HubSimulator;
let tmp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  hub = await startHubSimulator();
  tmp = await makeTempDir("cli");
});
afterEach(async () => {
  await hub.stop();
  await tmp.remove();
});

function cexdata(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  expect(existsSync(CLI), `${CLI} missing: build the pipeline first`).toBe(true);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

it("`cexdata publish` publishes with HF_TOKEN and HF_ENDPOINT, and exits non-zero on a refused version without printing the token", async () => {
  const env = { HF_TOKEN: hub.token, HF_ENDPOINT: hub.url };
  await writeTestDataset(tmp.dir, { version: 2, files: [BTC] });
  const ok = await cexdata(["publish", "--dataset", tmp.dir, "--repo", REPO], env);
  expect(ok.code, ok.stderr).toBe(0);
  expect(JSON.parse(ok.stdout)).toMatchObject({
    commit: hub.headOf(`datasets/${REPO}`),
    version: 2,
    uploaded: 1,
  });

  await writeTestDataset(tmp.dir, { version: 1, files: [{ ...BTC, count: 6 }] });
  const refused = await cexdata(["publish", "--dataset", tmp.dir, "--repo", REPO], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("stale-version");
  expect(refused.stderr + refused.stdout).not.toContain(hub.token);
});

it("`cexdata publish` without HF_TOKEN fails with a clear message", async () => {
  await writeTestDataset(tmp.dir, { version: 1, files: [BTC] });
  const res = await cexdata(["publish", "--dataset", tmp.dir, "--repo", REPO], { HF_ENDPOINT: hub.url });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain("HF_TOKEN is not set");
});

it("`cexdata squash` squashes main and moves the current tag; deleting older version tags needs --yes", async () => {
  const env = { HF_TOKEN: hub.token, HF_ENDPOINT: hub.url };
  for (const [version, count] of [
    [1, 5],
    [2, 6],
    [3, 7],
  ] as const) {
    await writeTestDataset(tmp.dir, { version, files: [{ ...BTC, count }] });
    const published = await publishDataset({
      datasetDir: tmp.dir,
      repo: REPO,
      hubUrl: hub.url,
      accessToken: hub.token,
      logger: quiet,
    });
    expect(published.tag).toBe(`v${version}`);
  }
  const dry = await cexdata(["squash", "--repo", REPO, "--keep-versions", "1", "--dry-run"], env);
  expect(dry.code, dry.stderr).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({
    moved: "v3",
    kept: [],
    dropped: ["v2", "v1"],
    squashed: null,
  });

  const refused = await cexdata(["squash", "--repo", REPO, "--keep-versions", "1"], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/deletes the tags v2, v1/);
  expect(Object.keys(hub.listTags(`datasets/${REPO}`)).sort()).toEqual(["v1", "v2", "v3"]);

  const squashed = await cexdata(["squash", "--repo", REPO, "--keep-versions", "1", "--yes"], env);
  expect(squashed.code, squashed.stderr).toBe(0);
  expect(hub.listCommits(`datasets/${REPO}`)).toHaveLength(1);
  expect(hub.listTags(`datasets/${REPO}`)).toEqual({ v3: hub.headOf(`datasets/${REPO}`) });
  expect(squashed.stderr).not.toContain(hub.token);
});
