import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  CANDLE_TABLES,
  datasetSpecSchema,
  isTableName,
  specFileSchema,
  type SpecFile,
  type TableName,
} from "@cexdata/schema";
import { openDuckDB } from "./duckdb.js";
import { findSeriesGaps, type SeriesCoverage } from "./find-gaps.js";
import { hashFile } from "./fs-atomic.js";
import { SPEC_FILE } from "./manifest.js";
import { checkFileContents, type VerifyProblem } from "./check-file-contents.js";

/** One thing wrong with the dataset, naming the file (dataset-relative) and a groupable reason. */
export type { VerifyProblem };

export interface VerifyReport {
  /** True when there is no problem. Gaps in series are listed but are not problems. */
  readonly ok: boolean;
  readonly version: number | null;
  readonly files: number;
  readonly rows: number;
  readonly problems: VerifyProblem[];
  /** Every OHLCV series with expected and present candles and its missing runs. */
  readonly series: SeriesCoverage[];
}

export interface VerifyDatasetParams {
  readonly dir: string;
  /** The clock for the closed-candle rule; defaults to `Date.now`. */
  readonly nowMs?: () => number;
  readonly threads?: number;
}

interface ManifestEntry {
  readonly table: TableName;
  readonly file: SpecFile;
}

async function readManifest(
  dir: string,
  problems: VerifyProblem[],
): Promise<{ version: number | null; entries: ManifestEntry[] }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path.join(dir, SPEC_FILE), "utf8"));
  } catch (error) {
    problems.push({ file: SPEC_FILE, reason: "spec_unreadable", detail: (error as Error).message });
    return { version: null, entries: [] };
  }
  const parsed = datasetSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    problems.push({
      file: SPEC_FILE,
      reason: "spec_invalid",
      detail: `${issue.path.join(".")}: ${issue.message}`,
    });
  }
  // Walk the raw manifest entry by entry, so one bad entry does not hide the state of the others.
  const entries: ManifestEntry[] = [];
  const tables = (raw as { tables?: Record<string, { files?: unknown[] }> }).tables ?? {};
  for (const [table, def] of Object.entries(tables)) {
    for (const candidate of Array.isArray(def?.files) ? def.files : []) {
      const file = specFileSchema.safeParse(candidate);
      const name = String((candidate as { path?: unknown } | null)?.path ?? "(no path)");
      if (!file.success) {
        const issue = file.error.issues[0]!;
        const reason = issue.path[0] === "path" ? "path_invalid" : "entry_invalid";
        problems.push({ file: name, reason, detail: `${issue.path.join(".")}: ${issue.message}` });
      } else if (isTableName(table)) entries.push({ table, file: file.data });
    }
  }
  const version = (raw as { version?: unknown }).version;
  return { version: typeof version === "number" ? version : null, entries };
}

async function listDataFiles(dir: string): Promise<string[]> {
  const root = path.join(dir, "data");
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

async function checkFile(
  conn: DuckDBConnection,
  dir: string,
  entry: ManifestEntry,
  nowMs: number,
  problems: VerifyProblem[],
): Promise<boolean> {
  const { file } = entry;
  const abs = path.join(dir, file.path);
  const found = await hashFile(abs).catch(() => null);
  if (!found) {
    problems.push({ file: file.path, reason: "file_missing", detail: "listed in spec.json, not on disk" });
    return false;
  }
  if (found.bytes !== file.bytes)
    problems.push({
      file: file.path,
      reason: "bytes_mismatch",
      detail: `${found.bytes} on disk, ${file.bytes} in spec`,
    });
  if (found.sha256 !== file.sha256)
    problems.push({
      file: file.path,
      reason: "sha256_mismatch",
      detail: `${found.sha256} on disk, ${file.sha256} in spec`,
    });
  try {
    problems.push(...(await checkFileContents({ conn, abs, table: entry.table, file, nowMs })));
    return true;
  } catch (error) {
    problems.push({
      file: file.path,
      reason: "parquet_unreadable",
      detail: (error as Error).message.split("\n")[0]!,
    });
    return false;
  }
}

/**
 * Checks a dataset directory end to end: spec.json against the contract, each file's bytes,
 * sha256, rows, columns and time range against spec.json, every row against the validation
 * rules and its partition, duplicate keys, files on disk but not in spec.json (and the reverse),
 * and lists the gaps of every OHLCV series.
 */
export async function verifyDataset(params: VerifyDatasetParams): Promise<VerifyReport> {
  const dir = path.resolve(params.dir);
  const nowMs = (params.nowMs ?? Date.now)();
  const problems: VerifyProblem[] = [];
  const { version, entries } = await readManifest(dir, problems);
  const listed = new Set(entries.map((e) => e.file.path));
  for (const onDisk of await listDataFiles(dir)) {
    if (!listed.has(onDisk))
      problems.push({ file: onDisk, reason: "file_not_in_spec", detail: "on disk, not listed in spec.json" });
  }
  const duck = await openDuckDB({ ...(params.threads !== undefined ? { threads: params.threads } : {}) });
  const series: SeriesCoverage[] = [];
  try {
    const readable = new Map<TableName, string[]>();
    for (const entry of entries) {
      if (await checkFile(duck.connection, dir, entry, nowMs, problems)) {
        readable.set(entry.table, [...(readable.get(entry.table) ?? []), path.join(dir, entry.file.path)]);
      }
    }
    for (const table of CANDLE_TABLES) {
      series.push(...(await findSeriesGaps(duck.connection, table, readable.get(table) ?? [])));
    }
  } finally {
    duck.close();
  }
  return {
    ok: problems.length === 0,
    version,
    files: entries.length,
    rows: entries.reduce((sum, e) => sum + e.file.rows, 0),
    problems,
    series,
  };
}
