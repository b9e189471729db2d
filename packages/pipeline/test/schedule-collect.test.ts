import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { attachLiquidationFeed, startExchangeSimulator } from "@cexdata/testkit";
import { afterAll, expect, it } from "vitest";
import { registerCommands } from "../src/cli/commands/index.js";
import type { CliContext } from "../src/cli/commands/context.js";
import { openDuckDB, quoteSqlString } from "../src/store/index.js";

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
  const coverage = (
    spec.tables.liquidations.coverage as { exchange: string; start: string; end: string }[]
  ).map((w) => ({ exchange: w.exchange, start: Date.parse(w.start), end: Date.parse(w.end) }));
  expect(coverage.map((w) => w.exchange)).toEqual(["okx"]);

  const duck = await openDuckDB();
  const glob = quoteSqlString(path.join(dir, "dataset", "data/liquidations/**/*.parquet"));
  const stored = (
    await duck.connection.runAndReadAll(
      `SELECT exchange, symbol, epoch_ms(ts)::DOUBLE AS ts, side, price, amount FROM read_parquet(${glob})`,
    )
  ).getRowObjectsJS() as Liquidation[];
  duck.close();

  // Exactly the events the feed sent while the collector listened, in order: none missing, none
  // invented, none twice. Only the last few may be absent, those still in flight when it stopped,
  // and the window (which gives up an in-flight margin at its close) claims none of them.
  const byTime = (rows: readonly Liquidation[]) =>
    [...rows].sort((a, b) => a.ts - b.ts || keyOf(a).localeCompare(keyOf(b)));
  const sent = byTime(feed.sent);
  const listened = sent.filter((e) =>
    coverage.some((w) => w.exchange === e.exchange && e.ts >= w.start && e.ts <= w.end),
  );
  expect(listened.length).toBeGreaterThanOrEqual(20);
  expect(byTime(stored).map(keyOf)).toEqual(sent.slice(0, stored.length).map(keyOf));
  expect(stored.length).toBeGreaterThanOrEqual(listened.length);
  const lost = sent.slice(stored.length);
  expect(lost.filter((e) => listened.includes(e))).toEqual([]);
  const files = spec.tables.liquidations.files as { rows: number }[];
  expect(files.reduce((n, f) => n + f.rows, 0)).toBe(stored.length);
});

type Liquidation = {
  exchange: string;
  symbol: string;
  ts: number;
  side: string;
  price: number;
  amount: number;
};
const keyOf = (e: Liquidation) =>
  `${e.exchange}|${e.symbol}|${e.ts}|${e.side}|${e.price}|${Math.round(e.amount * 1e8)}`;
