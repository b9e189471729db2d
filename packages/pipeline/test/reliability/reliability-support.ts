import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { TABLES, TABLE_NAMES } from "@cexdata/schema";
import { openDuckDB, quoteSqlString } from "../../src/store/index.js";

const here = import.meta.dirname;
/** tsx's loader: children run the pipeline from source, one node process, so a SIGKILL is what we see. */
export const TSX_LOADER = pathToFileURL(
  path.resolve(here, "../../../../node_modules/tsx/dist/loader.mjs"),
).href;

/** RELIABILITY_FULL=1 runs the long version of every randomized test. */
export const FULL = process.env.RELIABILITY_FULL === "1";

/** A seeded PRNG (mulberry32): the same seed gives the same kill moments and faults on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface CycleJob {
  datasetDir: string;
  config: unknown;
  nowMs: number;
  killAtProgress?: number;
  killDelayMs?: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs one pipeline cycle in a child process (run-cycle-child.ts) against the simulator in `env`. */
export async function runCycleChild(job: CycleJob, env: Record<string, string>): Promise<ChildExit> {
  const jobFile = `${job.datasetDir}.job.json`;
  await writeFile(jobFile, JSON.stringify(job));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@cexdata/source",
        "--import",
        TSX_LOADER,
        path.join(here, "run-cycle-child.ts"),
        jobFile,
      ],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every table's rows, read through DuckDB and sorted by key: equal datasets give equal objects. */
export async function readAllTables(datasetDir: string): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  const duck = await openDuckDB({ threads: 1 });
  try {
    for (const table of TABLE_NAMES) {
      const dir = path.join(datasetDir, "data", table);
      // Listed here, not globbed: unpartitioned tables keep their file at the table's top level.
      const files = existsSync(dir)
        ? (await readdir(dir, { recursive: true }))
            .filter((f) => f.endsWith(".parquet"))
            .map((f) => path.join(dir, f))
        : [];
      if (files.length === 0) {
        out[table] = [];
        continue;
      }
      const cols = Object.entries(TABLES[table].columns).map(([name, c]) =>
        c.type === "TIMESTAMP_MS" ? `epoch_ms(${name})::DOUBLE AS ${name}` : name,
      );
      const key = (TABLES[table].key as readonly string[]).join(", ");
      const list = files.map(quoteSqlString).join(", ");
      const reader = await duck.connection.runAndReadAll(
        `SELECT ${cols.join(", ")} FROM read_parquet([${list}]) ORDER BY ${key}`,
      );
      out[table] = reader
        .getRowObjectsJS()
        .map((row) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
        );
    }
  } finally {
    duck.close();
  }
  return out;
}

export const countRows = (tables: Record<string, readonly unknown[]>): number =>
  Object.values(tables).reduce((n, rows) => n + rows.length, 0);

/** The built CLI (`pnpm build`), what `cexdata` runs: it starts in a third of the time tsx takes. */
export const CLI_BUILT = path.resolve(here, "../../dist/cli/main.js");

/** Builds the pipeline (and what it depends on) when its CLI has not been built yet. */
export function ensureCliBuilt(): void {
  if (!existsSync(CLI_BUILT))
    execFileSync("pnpm", ["--filter", "@cexdata/pipeline...", "build"], { stdio: "ignore" });
}

export interface CliRun {
  readonly child: ChildProcess;
  /** stderr so far (the JSON log lines). */
  stderr(): string;
  readonly exit: Promise<ChildExit>;
}

/** Starts the built `cexdata <args>` with `env` added (the simulators' URLs), logging at info. */
export function startCli(args: readonly string[], env: Readonly<object>): CliRun {
  const child = spawn(process.execPath, [CLI_BUILT, ...args], {
    env: { ...process.env, CEXDATA_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<ChildExit>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, stderr: () => stderr, exit };
}
