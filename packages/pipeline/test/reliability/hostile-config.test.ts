import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pino } from "pino";
import { loadConfig } from "../../src/config/load-config.js";
import { runCycle } from "../../src/run/run-cycle.js";

// Issue 9, hostile input on the pipeline's side: the exact error a user gets for a bad config file.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-rel-config-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const CASES: [string, string, string, RegExp][] = [
  ["not JSON", "{ exchanges: ", "ConfigError", /not-JSON\.json: not valid JSON/],
  [
    "a missing field (no exchanges)",
    JSON.stringify({ bases: ["BTC"] }),
    "ConfigError",
    /\.json: exchanges: Invalid input: expected array, received undefined$/,
  ],
  [
    "a wrong type",
    JSON.stringify({ exchanges: ["binance"], concurrency: "4" }),
    "ConfigError",
    /\.json: concurrency: Invalid input: expected number, received string \(got "4"\)$/,
  ],
  // Any ccxt-shaped id passes the file's schema; the run refuses it before any request, naming the closest.
  [
    "an unknown exchange",
    JSON.stringify({ exchanges: ["binanse"], bases: ["BTC"] }),
    "UnknownExchangeError",
    /binanse.*binance/,
  ],
  [
    "an unknown field",
    JSON.stringify({ exchanges: ["binance"], exchange: "okx" }),
    "ConfigError",
    /\.json: \(root\): Unrecognized key: "exchange"/,
  ],
  [
    "a hostile base",
    JSON.stringify({ exchanges: ["binance"], bases: ["BTC'; DROP TABLE x"] }),
    "ConfigError",
    /\.json: bases\.0: an upper-case base asset such as 'BTC' \(got "BTC'; DROP TABLE x"\)$/,
  ],
];

it.each(CASES)(
  "a config file with %s: the user gets the exact error",
  async (name, text, errorName, message) => {
    const file = path.join(dir, `${name.replace(/\W+/g, "-")}.json`);
    await writeFile(file, text);
    // What `cexdata run --config <file>` does: load the config, then run a cycle on it.
    const error = await loadConfig(file)
      .then((config) =>
        runCycle({
          config,
          datasetDir: path.join(dir, "dataset"),
          logger: pino({ level: "silent" }),
          env: {},
        }),
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect({ name: (error as Error).name, message: (error as Error).message }).toMatchObject({
      name: errorName,
      message: expect.stringMatching(message),
    });
  },
);
