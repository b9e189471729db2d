#!/usr/bin/env node
import { parseArgs } from "node:util";
import { parseLatency, type LatencySpec } from "./exchanges/latency.js";
import { startTestkit } from "./start-testkit.js";

const HELP = `Usage: pnpm testkit start [--seed N] [--token hf_...] [--latency MS|MIN-MAX]

Starts test doubles of the exchanges (Binance, OKX, Bybit, Coinbase), Binance's public archive
(data.binance.vision) and the HuggingFace Hub on 127.0.0.1, prints the environment that points
cexdata at them, one "export NAME=value" per line, and runs until SIGINT or SIGTERM.

  pnpm --silent testkit start > /tmp/testkit.env &   # then, in any shell:
  source /tmp/testkit.env

Options:
  --seed N         seed of the simulated market data (default 1)
  --token hf_...   the Hub write token to accept (default: a random hf_testkit_... token)
  --latency 50-150 delay each exchange answer by this many ms (a range: drawn per request)
  -h, --help       show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: "string" },
      token: { type: "string" },
      latency: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (positionals[0] !== "start" || positionals.length > 1) {
    process.stderr.write(`unknown command: ${positionals.join(" ")}\n\n${HELP}`);
    return 2;
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    process.stderr.write(`--seed must be an integer, got ${values.seed}\n`);
    return 2;
  }
  if (values.token !== undefined && !values.token.startsWith("hf_")) {
    process.stderr.write("--token must start with hf_ (@huggingface/hub refuses other tokens)\n");
    return 2;
  }
  let latency: LatencySpec | undefined;
  try {
    latency = values.latency === undefined ? undefined : parseLatency(values.latency);
  } catch (error) {
    process.stderr.write(`--latency: ${(error as Error).message}\n`);
    return 2;
  }
  const testkit = await startTestkit({
    seed,
    ...(values.token !== undefined && { hubToken: values.token }),
    ...(latency !== undefined && { exchanges: { latency } }),
  });
  for (const [name, value] of Object.entries(testkit.env)) process.stdout.write(`export ${name}=${value}\n`);
  process.stderr.write("testkit running; Ctrl-C to stop\n");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await testkit.stop();
  process.stderr.write("testkit stopped\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`testkit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
