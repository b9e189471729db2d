import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { attachLiquidationFeed, startExchangeSimulator } from "@cexdata/testkit";
import { afterAll, expect, it } from "vitest";
import { registerCommands } from "../src/cli/commands/index.js";
import type { CliContext } from "../src/cli/context.js";

// `schedule --collect-liquidations`: one long-running process hosts both the cron cycles and the
// websocket collector, and stopping it merges what the collector logged.
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it("`schedule --collect-liquidations` hosts the collector and merges it on stop", async () => {
  const sim = await startExchangeSimulator({ seed: 3 });
  const feed = attachLiquidationFeed(sim.httpServers.okx, {
    exchange: "okx",
    symbols: ["BTC/USDT:USDT"],
    everyMs: 20,
  });
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-schedule-collect-"));
  dirs.push(dir);
  const configFile = path.join(dir, "cexdata.config.json");
  await writeFile(
    configFile,
    JSON.stringify({
      exchanges: ["okx"],
      markets: ["perp"],
      bases: ["BTC"],
      tables: ["liquidations"],
      dataset: path.join(dir, "dataset"),
    }),
  );
  const stop = new AbortController();
  const ctx: CliContext = {
    logger: pino({ level: "silent" }),
    env: sim.env(),
    exitCode: 0,
    stop: stop.signal,
  };
  const program = new Command("cexdata").exitOverride();
  await registerCommands(program, ctx);
  // A cron that never fires during the test: only the collector works.
  const running = program.parseAsync(
    ["schedule", "--config", configFile, "--cron", "0 0 1 1 *", "--collect-liquidations"],
    {
      from: "user",
    },
  );
  for (let i = 0; i < 600 && feed.sent.length < 40; i++) await new Promise((r) => setTimeout(r, 50));
  stop.abort();
  await running;
  await feed.stop();
  await sim.stop();

  expect(ctx.exitCode).toBe(0);
  const spec = JSON.parse(await readFile(path.join(dir, "dataset", "spec.json"), "utf8"));
  const files = spec.tables.liquidations.files as { rows: number }[];
  const rows = files.reduce((n, f) => n + f.rows, 0);
  expect(rows).toBeGreaterThanOrEqual(20);
  expect(rows).toBeLessThanOrEqual(feed.sent.length);
  expect(spec.tables.liquidations.coverage.map((w: { exchange: string }) => w.exchange)).toContain("okx");
});
