import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { TABLE_NAMES } from "@cexdata/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, "../dist/cli/main.js");
const SEED = 3;
const HOUR = 3_600_000;
// The simulator and the CLI share the real clock; rows before CUTOFF are final for every run here.
const START = Date.now();
const SINCE = Math.floor(START / HOUR) * HOUR - 10 * HOUR;
const CUTOFF = Math.floor(START / HOUR) * HOUR - HOUR;

let sim: ExchangeSimulator;
let root: string;

function cli(
  args: string[],
  onStderr?: (child: ChildProcess, text: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...sim.env(), CEXDATA_LOG_LEVEL: "info" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(child, stderr);
    });
    child.stdout.resume();
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function writeConfig(dir: string): Promise<string> {
  const file = path.join(root, `${path.basename(dir)}.json`);
  await writeFile(
    file,
    JSON.stringify({
      exchanges: ["binance", "okx", "bybit", "coinbase"],
      bases: ["BTC", "ETH"],
      since: SINCE,
      dataset: dir,
    }),
  );
  return file;
}

const finalRows = async (dir: string) => {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLE_NAMES.filter((t) => t !== "exchange_info" && t !== "token_info")) {
    out[table] = (await readTable(dir, table)).filter((r) => Number(r.ts) < CUTOFF);
  }
  return out;
};

beforeAll(async () => {
  if (!existsSync(CLI))
    execFileSync("pnpm", ["--filter", "@cexdata/pipeline...", "build"], { stdio: "ignore" });
  sim = await startExchangeSimulator({ seed: SEED });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-cli-"));
}, 180_000);
afterAll(async () => {
  await sim.stop();
  await rm(root, { recursive: true, force: true });
});

describe("the built cexdata CLI", () => {
  it("runs every table of the four exchanges, verifies, and a SIGKILLed run rerun ends equal, row for row", async () => {
    const clean = path.join(root, "clean");
    const first = await cli(["run", "--config", await writeConfig(clean)]);
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    const verify = await cli(["verify", "--dataset", clean]);
    expect(verify.code).toBe(0);
    const reference = await finalRows(clean);
    for (const table of ["ohlcv_1m", "ohlcv_1h", "funding_rates", "open_interest", "liquidations"])
      expect(reference[table]!.length, table).toBeGreaterThan(0);
    const generated = expectedSeries({
      seed: SEED,
      table: "ohlcv_1h",
      exchange: "bybit",
      symbol: "ETH/USDT:USDT",
      startMs: SINCE,
      endMs: CUTOFF,
      nowMs: CUTOFF,
    });
    expect(
      reference
        .ohlcv_1h!.filter(
          (r) =>
            (r as { exchange: string }).exchange === "bybit" &&
            (r as { symbol: string }).symbol === "ETH/USDT:USDT",
        )
        .map((r) => (r as { ts: number }).ts),
    ).toEqual(generated.map((g) => g.ts));

    // Kill at a few points: after the 1st, 4th and 10th series committed.
    for (const [i, killAfterCommits] of [1, 4, 10].entries()) {
      const dir = path.join(root, `killed-${i}`);
      const config = await writeConfig(dir);
      let killed = false;
      const run = await cli(["run", "--config", config], (child, text) => {
        const commits = text.split("\n").filter((l) => l.includes('"msg":"series committed')).length;
        if (!killed && commits >= killAfterCommits) {
          killed = true;
          child.kill("SIGKILL");
        }
      });
      expect(run.signal).toBe("SIGKILL");
      const rerun = await cli(["run", "--config", config]);
      expect(rerun.code, rerun.stderr.slice(-2000)).toBe(0);
      expect((await cli(["verify", "--dataset", dir])).code).toBe(0);
      expect(await finalRows(dir)).toEqual(reference);
    }
  }, 600_000);

  it("names the field of a malformed config and exits non-zero", async () => {
    const file = path.join(root, "bad.json");
    await writeFile(file, JSON.stringify({ exchanges: ["binance"], tables: ["ohlcv_5m"] }));
    const result = await cli(["run", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tables\.0.*got \\?"ohlcv_5m/);
  });
});
