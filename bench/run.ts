/**
 * `pnpm bench`: runs every `packages/*\/bench/*.bench.ts` in its own process, one after another on the
 * same machine, and prints one table: name, our figure, the baseline's in the same run, the ratio, the
 * target, pass/fail. Writes bench/results.json (every row, with its baseline's name). In full mode it
 * exits non-zero when any row misses its target, naming the missed rows. `BENCH_SHORT=1` (and CI) runs
 * each in a short mode that proves it still works; the table is then marked as not measuring anything
 * and a missed target does not fail the run (a file that crashes or reports nothing still does).
 */
import { spawn } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_LINE_PREFIX, benchShort, meetsTarget, type BenchResult } from "./report.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function findBenchFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const pkg of await readdir(path.join(root, "packages"))) {
    const dir = path.join(root, "packages", pkg, "bench");
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const f of entries.sort()) if (f.endsWith(".bench.ts")) files.push(path.join(dir, f));
  }
  const only = process.argv[2];
  return only ? files.filter((f) => f.includes(only)) : files;
}

function runBenchFile(file: string): Promise<{ results: BenchResult[]; exitCode: number }> {
  return new Promise((resolve) => {
    const tsx = path.join(root, "node_modules", ".bin", "tsx");
    // --expose-gc: a bench may collect garbage between measures, outside their time (see
    // columnar-reads), so that no measure pays for the garbage of the one before.
    const child = spawn(tsx, ["--expose-gc", "--conditions=@cexdata/source", file], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, BENCH_SHORT: benchShort ? "1" : "0" },
    });
    const results: BenchResult[] = [];
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith(BENCH_LINE_PREFIX))
          results.push(JSON.parse(line.slice(BENCH_LINE_PREFIX.length)));
        else if (line.trim()) process.stderr.write(`  ${line}\n`);
      }
    });
    child.on("close", (code) => resolve({ results, exitCode: code ?? 1 }));
  });
}

function formatNumber(n: number | null): string {
  if (n === null) return "-";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return n.toPrecision(4);
}

function printTable(rows: (BenchResult & { pass: boolean })[]): void {
  const header = ["benchmark", "unit", "ours", "baseline", "ratio", "target", "result"];
  const body = rows.map((r) => [
    r.name,
    r.unit,
    formatNumber(r.ours),
    r.baseline === null ? "-" : `${formatNumber(r.baseline)} (${r.baselineName ?? "baseline"})`,
    formatNumber(r.ratio),
    r.target,
    benchShort ? "not checked" : r.pass ? "pass" : "MISS",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
  for (const r of rows) if (r.notes) console.log(`  ${r.name}: ${r.notes}`);
}

const files = await findBenchFiles();
const all: (BenchResult & { pass: boolean; file: string })[] = [];
let failedFiles = 0;
for (const file of files) {
  console.error(`running ${path.relative(root, file)}${benchShort ? " (short mode)" : ""}`);
  const { results, exitCode } = await runBenchFile(file);
  if (exitCode !== 0 || results.length === 0) failedFiles++;
  for (const r of results)
    all.push({
      ...r,
      // Explicit, so results.json always says what each ratio is against ("none": an absolute target).
      baselineName: r.baseline === null ? "none (absolute target)" : (r.baselineName ?? "unnamed"),
      pass: meetsTarget(r.ratio, r.target),
      file: path.relative(root, file),
    });
}
console.log(
  benchShort ? "\nShort mode: these figures prove the benchmarks run; they are not measurements.\n" : "",
);
printTable(all);
await writeFile(
  path.join(root, "bench", "results.json"),
  JSON.stringify({ short: benchShort, date: new Date().toISOString(), results: all }, null, 2) + "\n",
);
const missed = all.filter((r) => !r.pass);
if (benchShort) {
  console.log(
    "Short mode measured nothing: targets are not checked" +
      (missed.length > 0 ? ` (${missed.length} row(s) would miss at this size).` : "."),
  );
} else if (missed.length > 0) {
  console.error(`\n${missed.length} row(s) missed their target:`);
  for (const r of missed)
    console.error(`  MISS ${r.name}: ratio ${formatNumber(r.ratio)}, target ${r.target} (${r.file})`);
}
if (failedFiles > 0) console.error(`${failedFiles} benchmark file(s) failed to run or reported nothing`);
if (failedFiles > 0 || (!benchShort && missed.length > 0)) process.exit(1);
