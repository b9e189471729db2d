/**
 * The one protocol every benchmark follows: measure our figure and a baseline's in the same run, then
 * call `reportBench` once per measurement. `bench/run.ts` runs each benchmark file in its own process
 * (so peak RSS is its own) and collects these lines into one table and bench/results.json.
 */
export interface BenchResult {
  /** e.g. "archive import (1m candles)" */
  readonly name: string;
  /** what the figures measure, e.g. "candles/s", "requests per page", "ms" */
  readonly unit: string;
  readonly ours: number;
  /** the baseline's figure in the same run, or null where the target is absolute */
  readonly baseline: number | null;
  /** what the baseline is, e.g. "bare DuckDB read_csv -> COPY" */
  readonly baselineName?: string;
  /** ours / baseline, or ours alone when there is no baseline */
  readonly ratio: number;
  /** e.g. "<= 1.2" or ">= 1000000" — compared against `ratio` */
  readonly target: string;
  /** extra figures worth printing (peak RSS, rows, requests, 429s) */
  readonly notes?: string;
}

export const BENCH_LINE_PREFIX = "BENCH_RESULT ";

/** True when benchmarks should only prove they still work (CI), not measure at full size. */
export const benchShort = process.env.BENCH_SHORT === "1" || process.env.CI === "true";

export function meetsTarget(ratio: number, target: string): boolean {
  const m = /^(<=|>=|<|>)\s*([0-9.e+-]+)$/.exec(target.trim());
  if (!m) return false;
  const bound = Number(m[2]);
  switch (m[1]) {
    case "<=":
      return ratio <= bound;
    case ">=":
      return ratio >= bound;
    case "<":
      return ratio < bound;
    default:
      return ratio > bound;
  }
}

export function reportBench(result: Omit<BenchResult, "ratio"> & { ratio?: number }): void {
  // A ratio without the name of what it is a ratio to cannot be compared across runs.
  if (result.baseline !== null && !result.baselineName)
    throw new Error(`bench row "${result.name}" has a baseline but no baselineName`);
  const ratio = result.ratio ?? (result.baseline ? result.ours / result.baseline : result.ours);
  process.stdout.write(`${BENCH_LINE_PREFIX}${JSON.stringify({ ...result, ratio })}\n`);
}

/** Peak resident set size of this process so far, in MiB (Linux: VmHWM). */
export async function peakRssMiB(): Promise<number> {
  try {
    const { readFile } = await import("node:fs/promises");
    const status = await readFile("/proc/self/status", "utf8");
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return process.memoryUsage().rss / 2 ** 20;
}
