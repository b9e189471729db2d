import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { TABLE_NAMES } from "@cexdata/schema";
import { pino } from "pino";
import { startTestkit, type Testkit } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import type { RunReport } from "../../src/report/run-report.js";
import { runCycle } from "../../src/run/run-cycle.js";
import { DiskFullError, openDuckDB, quoteSqlString, readSpec, verifyDataset } from "../../src/store/index.js";
import { mapDiskFullError } from "../../src/store/map-disk-full-error.js";
import { readTable } from "../helpers/read-table.js";
import { ensureCliBuilt, startCli, type CliRun } from "./reliability-support.js";

// Issue 13, "runs where it is scheduled": the faults of the machine a cron runs on. A disk that
// fills up mid-commit, a dataset directory mounted read-only, and SIGTERM (a reboot, `systemctl
// stop`, a CI cancel) each leave a dataset that verifies, end the run with a named error or a
// documented exit code, and the next run ends equal to an uninterrupted one. Real mounts (tmpfs,
// read-only remounts: the suite runs as root, as CI does) and the built CLI (run `pnpm build`
// first) against the testkit's simulators.

const HOUR = 3_600_000;
// The simulators and the CLI share the real clock; rows before CUTOFF are final for every run here.
const START = Date.now();
const SINCE = Math.floor(START / HOUR) * HOUR - 6 * HOUR;
const CUTOFF = Math.floor(START / HOUR) * HOUR - HOUR;
// Spot only, two exchanges: enough series for a run to commit several times, and quick to run.
const TABLES = ["ohlcv_1m", "ohlcv_1h", "exchange_info", "token_info"];
const BASES = ["BTC", "ETH"];
// Every okx candle request hangs while armed: a run cannot end before the test stops it.
const OKX_CANDLES = ["/api/v5/market/candles", "/api/v5/market/history-candles"];
// Free space left beside the filler: room to open the store (probe, lock, DuckDB's staging file),
// not for a commit's Parquet files, next spec.json and journal.
const HEADROOM = 48 * 1024;

let kit: Testkit;
let root: string;
const mounts: string[] = [];
let reference: Promise<Record<string, unknown[]>> | null = null;

/** Mounts a tmpfs of `sizeKb` at `dir`; without root this fails the test, with the reason. */
function mountTmpfs(dir: string, sizeKb: number): void {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    throw new Error(
      `machine-faults needs root to mount a tmpfs at ${dir} (CI runs as root): ${String((error as { stderr?: Buffer }).stderr ?? error)}`,
    );
  }
  mounts.push(dir);
}

const mount = (...args: string[]) => execFileSync("mount", args, { stdio: "pipe" });

const configOf = (dir: string, bases: readonly string[]) => ({
  exchanges: ["binance", "okx"],
  markets: ["spot"],
  bases,
  tables: TABLES,
  intervals: ["1m", "1h"],
  since: SINCE,
  dataset: dir,
});

/** A config file for the CLI. */
async function writeConfig(dir: string, bases: readonly string[] = BASES): Promise<string> {
  const file = `${path.dirname(dir)}-${bases.length}.json`;
  await writeFile(file, JSON.stringify(configOf(dir, bases)));
  return file;
}

/** The faulted run: `cexdata <args>` to its end, expecting exit `code`; returns its log. */
async function cliToEnd(args: readonly string[], code: number): Promise<string> {
  const result = await startCli(args, kit.env).exit;
  expect(result.code, result.stderr.slice(-3000)).toBe(code);
  return result.stderr;
}

/**
 * A run that must complete (setting up a dataset, the rerun after a fault): `runCycle`, what
 * `cexdata run` calls, in this process, which saves a CLI start (seconds on a loaded machine).
 */
async function runToEnd(dir: string, bases: readonly string[] = BASES): Promise<void> {
  const { report } = await runCycle({
    config: parseConfig(configOf(dir, bases)),
    datasetDir: dir,
    logger: pino({ level: "silent" }),
    env: { ...kit.env },
  });
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
}

/** The rows every complete run must agree on: all but the snapshots, before CUTOFF. */
async function finalRows(dir: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLE_NAMES.filter((t) => TABLES.includes(t) && !t.endsWith("_info")))
    out[table] = (await readTable(dir, table)).filter((r) => Number(r.ts) < CUTOFF);
  return out;
}

/** An uninterrupted run on an ordinary directory, made once for the tests that compare with it. */
function cleanRows(): Promise<Record<string, unknown[]>> {
  reference ??= (async () => {
    const dir = path.join(root, "clean", "dataset");
    await runToEnd(dir);
    const rows = await finalRows(dir);
    for (const table of ["ohlcv_1m", "ohlcv_1h"]) expect(rows[table]!.length, table).toBeGreaterThan(0);
    return rows;
  })();
  return reference;
}

async function expectVerifies(dir: string): Promise<void> {
  const result = await verifyDataset({ dir });
  expect(result.problems).toEqual([]);
  expect(result.files).toBeGreaterThan(0);
}

const requestsToExchanges = () => Object.values(kit.exchanges.counters).reduce((sum, c) => sum + c.total, 0);

/** Resolves once `ready()` holds, checking every 50 ms (a wait for a state, never a timing assertion). */
async function waitFor(run: CliRun, ready: () => boolean, what: string): Promise<void> {
  while (!ready()) {
    if (run.child.exitCode !== null)
      throw new Error(`cexdata exited before ${what}: ${run.stderr().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a command with okx's candles hanging; resolves once a series is committed and okx hangs. */
async function startHungRun(args: string[]): Promise<CliRun> {
  for (const route of OKX_CANDLES) kit.exchanges.faults.set("okx", route, { kind: "hang" });
  const faultsBefore = kit.exchanges.counters.okx.faultsInjected;
  const run = startCli(args, kit.env);
  await waitFor(
    run,
    () =>
      run.stderr().includes('"msg":"series committed"') &&
      kit.exchanges.counters.okx.faultsInjected > faultsBefore,
    "a series was committed while an okx request hung",
  );
  return run;
}

async function reportsOf(dir: string): Promise<RunReport[]> {
  const files = (await readdir(path.join(dir, "runs"))).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    files.map(async (f) => JSON.parse(await readFile(path.join(dir, "runs", f), "utf8")) as RunReport),
  );
}

beforeAll(async () => {
  ensureCliBuilt();
  kit = await startTestkit({ seed: 13 });
  root = await mkdtemp(path.join(tmpdir(), "cexdata-machine-"));
});
afterAll(async () => {
  for (const dir of mounts.reverse()) {
    try {
      execFileSync("umount", ["-l", dir], { stdio: "pipe" });
    } catch {
      // Already unmounted by its test.
    }
  }
  await kit?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("a full disk (ENOSPC)", () => {
  it("node's ENOSPC and DuckDB's failed COPY both become a DiskFullError naming the dataset and the file", async () => {
    const tiny = path.join(root, "tiny");
    await mkdir(tiny);
    mountTmpfs(tiny, 64);
    await writeFile(path.join(tiny, "filler"), Buffer.alloc(128 * 1024)).catch(() => undefined);

    const nodeError = await writeFile(path.join(tiny, "spec.json.1.tmp"), "x".repeat(8192)).catch(
      (e: unknown) => e,
    );
    expect((nodeError as NodeJS.ErrnoException).code).toBe("ENOSPC");
    // node's error names the call ("write"), not the file: `writing` has to say what it was.
    expect((nodeError as Error).message).toBe("ENOSPC: no space left on device, write");
    const fromNode = mapDiskFullError({
      error: nodeError,
      dir: tiny,
      writing: "the next spec.json",
      version: 3,
    });
    expect(fromNode).toBeInstanceOf(DiskFullError);
    expect((fromNode as DiskFullError).message).toBe(
      `disk full in dataset ${tiny} while writing the next spec.json; ` +
        "the dataset is unchanged at version 3: free space and run again",
    );

    const duck = await openDuckDB({ threads: 1 });
    const parquet = path.join(tiny, "part.parquet");
    const duckError = await duck.connection
      .run(`COPY (SELECT range AS x FROM range(100000)) TO ${quoteSqlString(parquet)} (FORMAT parquet)`)
      .catch((e: unknown) => e);
    duck.close();
    // DuckDB has no error code: its message is all there is to recognise a full disk by.
    expect((duckError as Error).message).toBe(
      `IO Error: Could not write file "${parquet}": No space left on device`,
    );
    const fromDuck = mapDiskFullError({
      error: duckError,
      dir: tiny,
      writing: "the ohlcv_1m partitions",
      version: 3,
    });
    expect(fromDuck).toBeInstanceOf(DiskFullError);
    expect((fromDuck as DiskFullError).file).toBe(parquet);
    execFileSync("umount", [tiny]);
  });

  it("a run that fills the disk mid-commit ends with DiskFullError, the last commit verifies, and a rerun with space equals a clean run", async () => {
    const mnt = path.join(root, "full");
    await mkdir(mnt);
    mountTmpfs(mnt, 64 * 1024);
    const dir = path.join(mnt, "dataset");
    // A first run (BTC) fits; then a filler leaves too little room for the second (BTC and ETH).
    await runToEnd(dir, ["BTC"]);
    const before = await readSpec(dir);
    const { bavail, bsize } = await statfs(mnt);
    const filler = path.join(mnt, "filler");
    await writeFile(filler, Buffer.alloc(Number(bavail) * bsize - HEADROOM));

    const stderr = await cliToEnd(["run", "--config", await writeConfig(dir)], 1);
    expect(stderr).toMatch(
      new RegExp(
        `DiskFullError: disk full in dataset ${dir} while writing (the \\w+ partitions \\(DuckDB COPY|the next spec\\.json|the commit journal|the partition directories|the staged rows' files|staged \\w+ rows)`,
      ),
    );
    expect(stderr, "one line, no stack trace").not.toMatch(/\n\s+at /);
    const line = stderr.split("\n").find((l) => l.includes("DiskFullError"));
    console.info(`[reliability] machine-faults: v${before!.version} before, the run said ${line}`);
    // The dataset is a complete version: every file spec.json names is there and verifies.
    const after = await readSpec(dir);
    expect(after!.version).toBeGreaterThanOrEqual(before!.version);
    expect(existsSync(path.join(dir, ".cexdata", "journal.json"))).toBe(false);
    await expectVerifies(dir);

    await rm(filler);
    await runToEnd(dir);
    await expectVerifies(dir);
    expect(await finalRows(dir)).toEqual(await cleanRows());
  }, 180_000);
});

describe("a read-only dataset", () => {
  it("fails before any request with DatasetNotWritableError naming the directory; writable again, the run completes", async () => {
    const mnt = path.join(root, "ro");
    await mkdir(mnt);
    mountTmpfs(mnt, 64 * 1024);
    const dir = path.join(mnt, "dataset");
    await runToEnd(dir, ["BTC"]);
    mount("-o", "remount,ro", mnt);

    const requests = requestsToExchanges();
    const stderr = await cliToEnd(["run", "--config", await writeConfig(dir, ["BTC"])], 1);
    expect(stderr).toContain(
      `DatasetNotWritableError: dataset ${dir} is not writable: cannot create a file in ${dir} (EROFS); nothing was fetched`,
    );
    expect(stderr, "one line, no stack trace").not.toMatch(/\n\s+at /);
    expect(requestsToExchanges()).toBe(requests);
    await expectVerifies(dir);

    mount("-o", "remount,rw", mnt);
    await runToEnd(dir, ["BTC"]);
    await expectVerifies(dir);
  }, 120_000);

  it("a read-only work directory (.cexdata, where DuckDB's temp files go) fails the same way", async () => {
    const dir = path.join(root, "ro-work", "dataset");
    await runToEnd(dir, ["BTC"]);
    const work = path.join(dir, ".cexdata");
    mount("--bind", work, work);
    mounts.push(work);
    mount("-o", "remount,bind,ro", work);

    const requests = requestsToExchanges();
    const stderr = await cliToEnd(["run", "--config", await writeConfig(dir, ["BTC"])], 1);
    expect(stderr).toContain(
      `DatasetNotWritableError: dataset ${dir} is not writable: cannot create a file in ${work} (EROFS)`,
    );
    expect(requestsToExchanges()).toBe(requests);
    await expectVerifies(dir);

    execFileSync("umount", [work]);
    await runToEnd(dir, ["BTC"]);
    await expectVerifies(dir);
  }, 120_000);
});

describe("SIGTERM", () => {
  it("`cexdata run` stopped mid-run writes its report, exits 143, leaves a verifying dataset, and the next run ends equal", async () => {
    const dir = path.join(root, "term-run", "dataset");
    const config = await writeConfig(dir);
    const run = await startHungRun(["run", "--config", config]);
    run.child.kill("SIGTERM");
    const result = await run.exit;
    kit.exchanges.faults.clear();
    expect(result.code, result.stderr.slice(-3000)).toBe(143);
    expect(result.stderr).toContain("SIGTERM: stopping the run");
    expect(result.stderr).toContain('"msg":"run stopped');
    const [report, ...more] = await reportsOf(dir);
    expect(more).toEqual([]);
    expect(report!.stopped!.reason).toBe("SIGTERM");
    expect(report!.stopped!.unfinishedSeries).toBeGreaterThan(0);
    console.info(
      `[reliability] machine-faults: SIGTERM left ${report!.stopped!.unfinishedSeries} series unfinished`,
    );
    expect(existsSync(path.join(dir, ".cexdata", "journal.json"))).toBe(false);
    await expectVerifies(dir);

    await runToEnd(dir);
    await expectVerifies(dir);
    expect(await finalRows(dir)).toEqual(await cleanRows());
  }, 180_000);

  it("a second stop signal exits at once; the next run recovers and ends equal", async () => {
    const dir = path.join(root, "term-twice", "dataset");
    const config = await writeConfig(dir);
    const run = await startHungRun(["run", "--config", config]);
    // Both signals wait while the process is stopped, so the second arrives before the first's
    // clean stop can finish: it must not wait for it.
    run.child.kill("SIGSTOP");
    run.child.kill("SIGTERM");
    run.child.kill("SIGINT");
    run.child.kill("SIGCONT");
    const result = await run.exit;
    kit.exchanges.faults.clear();
    expect([130, 143]).toContain(result.code);
    expect(result.stderr).toMatch(/second stop signal \(SIG(TERM|INT)\): exiting at once/);
    expect(result.stderr).not.toContain('"msg":"run stopped');

    // As after a kill: the next run finishes or drops the commit in flight, then completes.
    await runToEnd(dir);
    await expectVerifies(dir);
    expect(await finalRows(dir)).toEqual(await cleanRows());
  }, 180_000);

  it("`cexdata schedule` stops its cron and the cycle in flight the same way", async () => {
    const dir = path.join(root, "term-schedule", "dataset");
    const config = await writeConfig(dir);
    const run = await startHungRun(["schedule", "--config", config, "--cron", "* * * * * *"]);
    run.child.kill("SIGTERM");
    const result = await run.exit;
    kit.exchanges.faults.clear();
    expect(result.code, result.stderr.slice(-3000)).toBe(143);
    expect(result.stderr).toContain("SIGTERM: stopping the schedule");
    // One cycle, stopped: no tick after the signal started another.
    const reports = await reportsOf(dir);
    expect(reports.map((r) => r.stopped?.reason)).toEqual(["SIGTERM"]);
    await expectVerifies(dir);

    await runToEnd(dir);
    await expectVerifies(dir);
    expect(await finalRows(dir)).toEqual(await cleanRows());
  }, 180_000);
});
