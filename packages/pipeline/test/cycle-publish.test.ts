import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import {
  startExchangeSimulator,
  startHubSimulator,
  type ExchangeSimulator,
  type HubSimulator,
} from "@cexdata/testkit";
import { afterEach, beforeEach, expect, it } from "vitest";
import { registerCommands } from "../src/cli/commands/index.js";
import type { CliContext } from "../src/cli/commands/context.js";

// `run --publish` and `schedule --publish` through the real commander program, in-process (the
// schedule is stopped through the context's signal instead of SIGTERM).
const REPO = "cexdata/market-data";
const HUB_REPO = `datasets/${REPO}`;

let sim: ExchangeSimulator;
let hub: HubSimulator;
let dir: string;
let configFile: string;
beforeEach(async () => {
  sim = await startExchangeSimulator({ seed: 5 });
  hub = await startHubSimulator();
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-cycle-publish-"));
  configFile = path.join(dir, "cexdata.config.json");
  await writeFile(
    configFile,
    JSON.stringify({
      exchanges: ["okx"],
      markets: ["spot"],
      bases: ["BTC"],
      tables: ["ohlcv_1h", "exchange_info", "token_info"],
      intervals: ["1h"],
      since: "2d",
      dataset: path.join(dir, "dataset"),
    }),
  );
});
afterEach(async () => {
  await sim.stop();
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
});

async function cexdata(args: string[], stop?: AbortSignal): Promise<CliContext> {
  const ctx: CliContext = {
    logger: pino({ level: "silent" }),
    env: { ...sim.env(), HF_TOKEN: hub.token, HF_ENDPOINT: hub.url },
    exitCode: 0,
    ...(stop && { stop }),
  };
  const program = new Command("cexdata").exitOverride();
  await registerCommands(program, ctx);
  await program.parseAsync(args, { from: "user" });
  return ctx;
}

const hubSpec = () => {
  const bytes = hub.getFile(HUB_REPO, "main", "spec.json");
  return bytes && (JSON.parse(Buffer.from(bytes).toString("utf8")) as { version: number });
};
const localSpec = async () =>
  JSON.parse(await readFile(path.join(dir, "dataset", "spec.json"), "utf8")) as { version: number };

it("`run --publish --repo` stores a cycle and publishes it as one commit", async () => {
  const ctx = await cexdata(["run", "--config", configFile, "--publish", "--repo", REPO]);
  expect(ctx.exitCode).toBe(0);
  expect(hub.listCommits(HUB_REPO)).toHaveLength(2); // the repo's initial commit, then the cycle
  expect(hubSpec()?.version).toBe((await localSpec()).version);
  expect(hub.listPaths(HUB_REPO).some((p) => p.startsWith("data/ohlcv_1h/base=BTC/"))).toBe(true);
});

it("`schedule --publish --repo` publishes what a scheduled cycle stored", async () => {
  const stop = new AbortController();
  const running = cexdata(
    ["schedule", "--config", configFile, "--cron", "* * * * * *", "--publish", "--repo", REPO],
    stop.signal,
  );
  // Ticks every second: wait for the first published cycle, then stop the schedule.
  for (let i = 0; i < 600 && hubSpec() === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  stop.abort();
  const ctx = await running;
  expect(ctx.exitCode).toBe(0);
  expect(hubSpec()?.version).toBe((await localSpec()).version);
  expect(hub.listPaths(HUB_REPO)).toEqual(
    expect.arrayContaining(["README.md", "spec.json", expect.stringMatching(/^data\/ohlcv_1h\/base=BTC\//)]),
  );
});

it("`schedule --publish` without --repo exits 2 before any cycle", async () => {
  const ctx = await cexdata(["schedule", "--config", configFile, "--publish"]);
  expect(ctx.exitCode).toBe(2);
  expect(hub.headOf(HUB_REPO)).toBeUndefined();
  expect(sim.counters.okx.requests).toEqual(
    Object.fromEntries(Object.keys(sim.counters.okx.requests).map((k) => [k, 0])),
  );
});
