#!/usr/bin/env node
import { parseArgs } from "node:util";
import path from "node:path";
import { createLogger, scrubSecrets } from "@cexdata/pipeline";
import { startServer } from "../app/start-server.js";

const USAGE = `cexdata-server --dataset <dir|hf://datasets/org/name|https://...> [options]

  --dataset <src>        the dataset to serve (default: CEXDATA_DATASET)
  --port <n>             default 8080
  --host <addr>          default 127.0.0.1
  --live                 run the live streams (liquidations, large trades, candles, OI spikes)
  --live-dir <dir>       where live liquidations are logged and merged (default: the dataset if local)
  --bases <list>         live: bases watched, comma-separated (default BTC,ETH)
  --large-trade-usd <n>  live: large-trade threshold (default 100000)
  --cors <origins>       allow these origins (comma-separated); none by default
  --rate-limit <n>       requests per minute per address (default 600; 0 = off)
  --cache-dir <dir>      the client's cache directory
  --help`;

/** `cexdata-server`: parses the flags, starts the server, stops cleanly on SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dataset: { type: "string" },
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      live: { type: "boolean", default: false },
      "live-dir": { type: "string" },
      bases: { type: "string" },
      "large-trade-usd": { type: "string" },
      cors: { type: "string" },
      "rate-limit": { type: "string" },
      "cache-dir": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const source = values.dataset ?? process.env.CEXDATA_DATASET;
  if (!source) {
    process.stderr.write(`--dataset is required\n\n${USAGE}\n`);
    return 2;
  }
  const logger = createLogger();
  const isLocal = !/^(hf|https?):\/\//.test(source);
  const liveDir = values["live-dir"] ?? (isLocal ? path.resolve(source) : undefined);
  if (values.live && !liveDir) {
    process.stderr.write("--live with a remote dataset needs --live-dir <dir> for the liquidation log\n");
    return 2;
  }
  const server = await startServer({
    dataset: source,
    ...(values["cache-dir"] !== undefined && { cacheDir: values["cache-dir"] }),
    port: Number(values.port),
    host: values.host,
    logger,
    ...(values.cors !== undefined && { corsOrigins: values.cors.split(",").filter(Boolean) }),
    ...(values["rate-limit"] !== undefined && { rateLimitPerMinute: Number(values["rate-limit"]) }),
    ...(values.live && {
      live: {
        datasetDir: liveDir!,
        ...(values.bases !== undefined && {
          bases: values.bases.split(",").map((b) => b.trim().toUpperCase()),
        }),
        ...(values["large-trade-usd"] !== undefined && { largeTradeUsd: Number(values["large-trade-usd"]) }),
      },
    }),
  });
  process.stdout.write(
    `cexdata-server listening on ${server.url} (dashboard ${server.url}/, API docs ${server.url}/docs)\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
