#!/usr/bin/env node
// `pnpm demo`: the whole product on one offline machine. Starts the testkit's simulators of the
// exchanges, Binance's archive and the HuggingFace Hub; runs the pipeline (`cexdata run`, then a short
// archive backfill) into ./dataset; verifies and publishes it to the simulated Hub; reads it back with
// the client, from the local directory and through hf://; writes tearsheet-BTC.html; stops everything.
// With `--serve` it then serves ./dataset (API, stream and dashboard, with live streams from the
// simulators' websocket feeds) and ends by printing the dashboard URL; Ctrl-C stops it all.
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Dataset, Token } from "@cexdata/client";
import { createLogger } from "@cexdata/pipeline";
import { startServer } from "@cexdata/server";
import { attachLiquidationFeed, attachTickerFeed, attachTradeFeed, startTestkit } from "@cexdata/testkit";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const datasetDir = path.join(root, "dataset");
const cli = path.join(root, "packages/pipeline/dist/cli/main.js");
const DAY = 86_400_000;
const serve = process.argv.includes("--serve");

function cexdata(args, env) {
  process.stdout.write(`\n$ cexdata ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: "inherit",
    });
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`cexdata ${args[0]} exited with ${code}`)),
    );
  });
}

function printCandles(title, rows) {
  process.stdout.write(`\n${title}\n`);
  console.table(
    rows.map((r) => ({
      ts: r.ts.toISOString().replace(".000Z", "Z"),
      exchange: r.exchange,
      symbol: r.symbol,
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      volume: Number(r.volume.toFixed(3)),
    })),
  );
}

const testkit = await startTestkit({ seed: 1 });
const env = { ...testkit.env, CEXDATA_LOG_LEVEL: process.env.CEXDATA_LOG_LEVEL ?? "warn" };
process.stdout.write(
  "Simulators up (test doubles of Binance, OKX, Bybit, Coinbase, data.binance.vision, the Hub):\n",
);
for (const [name, value] of Object.entries(testkit.env)) {
  process.stdout.write(`  ${name}=${name === "HF_TOKEN" ? "<redacted>" : value}\n`);
}
try {
  await rm(datasetDir, { recursive: true, force: true });
  await cexdata(["run", "--dataset", datasetDir], env);
  const since = new Date(Date.now() - 45 * DAY).toISOString().slice(0, 10);
  await cexdata(
    [
      "backfill",
      "--exchange",
      "binance",
      "--symbol",
      "BTC/USDT",
      "--table",
      "ohlcv_1h",
      "--since",
      since,
      "--source",
      "auto",
      "--dataset",
      datasetDir,
    ],
    env,
  );
  await cexdata(["verify", "--dataset", datasetDir], env);
  await cexdata(["publish", "--dataset", datasetDir, "--repo", "cexdata/demo"], env);

  const local = new Dataset({ source: datasetDir, cacheDir: path.join(datasetDir, ".cache") });
  const btc = new Token("BTC", { dataset: local });
  printCandles("Last daily BTC candles (local ./dataset):", (await btc.ohlcv({ interval: "1d" })).slice(-5));
  printCandles(
    "Last 4h BTC/USDT:USDT perp candles on OKX:",
    (await btc.ohlcv({ interval: "4h", market: "perp", exchange: "okx" })).slice(-3),
  );
  const funding = await btc.fundingRates({ exchange: "binance" });
  process.stdout.write(
    `\nBinance BTC funding: ${funding.length} payments, last ${funding.at(-1)?.fundingRate} at ${funding.at(-1)?.ts.toISOString()}\n`,
  );
  const sheet = await btc.tearsheet({ interval: "1h", out: path.join(root, "tearsheet-BTC.html") });
  process.stdout.write(
    `Wrote tearsheet-BTC.html (${(sheet.toHTML().length / 1024).toFixed(0)} KiB, self-contained)\n`,
  );
  await local.close();

  // The same query through the Hub: only the files it needs are downloaded, into a verified cache.
  process.env.HF_ENDPOINT = testkit.env.HF_ENDPOINT;
  const hub = new Dataset({
    source: "hf://datasets/cexdata/demo",
    cacheDir: path.join(datasetDir, ".hub-cache"),
  });
  const fromHub = await new Token("BTC", { dataset: hub }).ohlcv({ interval: "1d" });
  const spec = await hub.spec();
  printCandles(`Same query through the simulated Hub (dataset version ${spec.version}):`, fromHub.slice(-2));
  await hub.close();
  process.stdout.write(
    "\nDemo finished: ./dataset, tearsheet-BTC.html. Everything ran against local simulators.\n",
  );
  if (serve) await serveDataset();
} finally {
  await testkit.stop();
}

/** `--serve`: the simulators' live feeds, the server over ./dataset with --live, until Ctrl-C. */
async function serveDataset() {
  const perps = ["BTC/USDT:USDT", "ETH/USDT:USDT"];
  const feeds = [
    ...["binance", "okx", "bybit"].flatMap((exchange) => [
      attachLiquidationFeed(testkit.exchanges.httpServers[exchange], {
        exchange,
        symbols: perps,
        everyMs: 700,
      }),
      attachTradeFeed(testkit.exchanges.httpServers[exchange], { exchange, symbols: perps, everyMs: 150 }),
    ]),
    attachTickerFeed(testkit.exchanges.httpServers.bybit, {
      exchange: "bybit",
      symbols: perps,
      everyMs: 1000,
    }),
  ];
  const server = await startServer({
    dataset: datasetDir,
    cacheDir: path.join(datasetDir, ".cache"),
    port: Number(process.env.PORT ?? 8080),
    live: { datasetDir, env: testkit.env },
    logger: createLogger({ level: process.env.CEXDATA_LOG_LEVEL ?? "warn" }),
  });
  process.stdout.write(`\nServing ./dataset (live streams from the simulators). Ctrl-C stops.\n`);
  process.stdout.write(`  API docs   ${server.url}/docs\n`);
  process.stdout.write(`  Dashboard  ${server.url}/\n`);
  await new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  for (const feed of feeds) await feed.stop();
}
