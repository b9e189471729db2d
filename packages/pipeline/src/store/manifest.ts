import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  SCHEMA_VERSION,
  TABLE_NAMES,
  parseDatasetSpec,
  specColumnsOf,
  type DatasetSpec,
  type SpecCoverage,
  type SpecFile,
  type SpecFreshness,
  type SpecGap,
  type SpecTable,
  type TableName,
} from "@cexdata/schema";
import { readTextIfExists, renameDurably, writeFileAtomic, writeFileDurably } from "./fs-atomic.js";

export const SPEC_FILE = "spec.json";
/** The next spec.json, written before a commit's journal so that applying the journal takes no space. */
const NEXT_SPEC = ".cexdata/spec.next.tmp";

/** Reads and validates `<dir>/spec.json`; null when the dataset has none yet. */
export async function readSpec(dir: string): Promise<DatasetSpec | null> {
  const text = await readTextIfExists(path.join(dir, SPEC_FILE));
  if (text === null) return null;
  return parseDatasetSpec(JSON.parse(text));
}

/** spec.json's text: fixed key order and two-space indent, so equal specs are equal bytes. */
export function formatSpec(spec: DatasetSpec): string {
  const tables: Record<string, SpecTable> = {};
  for (const name of TABLE_NAMES) {
    const t = spec.tables[name];
    if (!t) continue;
    tables[name] = {
      columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
      files: [...t.files]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        .map((f) => ({
          path: f.path,
          rows: f.rows,
          bytes: f.bytes,
          sha256: f.sha256,
          min_ts: f.min_ts,
          max_ts: f.max_ts,
        })),
      ...(t.gaps ? { gaps: t.gaps } : {}),
      ...(t.coverage ? { coverage: t.coverage } : {}),
    };
  }
  const freshness = spec.freshness?.map((e) => ({
    table: e.table,
    exchange: e.exchange,
    ...(e.last_success_at !== undefined && { last_success_at: e.last_success_at }),
    ...(e.newest_ts !== undefined && { newest_ts: e.newest_ts }),
    ...(e.blocked && { blocked: { since: e.blocked.since, host: e.blocked.host, remedy: e.blocked.remedy } }),
  }));
  const out = {
    version: spec.version,
    ...(spec.schema_version !== undefined && { schema_version: spec.schema_version }),
    update_time: spec.update_time,
    tables,
    ...(freshness && { freshness }),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Validates, then writes spec.json atomically (temp file, fsync, rename). */
export async function writeSpec(dir: string, spec: DatasetSpec): Promise<void> {
  await writeFileAtomic(path.join(dir, SPEC_FILE), formatSpec(parseDatasetSpec(spec)));
}

/** Writes the next spec.json beside the dataset (fsynced, not in place); returns its path. */
export async function prepareSpec(dir: string, spec: DatasetSpec): Promise<string> {
  const file = path.join(dir, NEXT_SPEC);
  await writeFileDurably(file, formatSpec(parseDatasetSpec(spec)));
  return file;
}

/**
 * Puts `spec` in place as spec.json: renames the prepared file when it holds exactly this spec (no
 * space needed on a full disk), else writes it (a journal recovered without its prepared file).
 */
export async function installSpec(dir: string, spec: DatasetSpec): Promise<void> {
  const file = path.join(dir, NEXT_SPEC);
  const prepared = await readFile(file, "utf8").catch(() => null);
  if (prepared === formatSpec(parseDatasetSpec(spec))) await renameDurably(file, path.join(dir, SPEC_FILE));
  else await writeSpec(dir, spec);
}

export interface SpecChanges {
  readonly files: ReadonlyMap<TableName, readonly SpecFile[]>;
  readonly gaps: ReadonlyMap<TableName, readonly SpecGap[]>;
  readonly coverage: ReadonlyMap<TableName, readonly SpecCoverage[]>;
}

/** The tables of the next spec: the current ones with changed file entries, gaps and coverage. */
export function applySpecChanges(current: DatasetSpec | null, changes: SpecChanges): DatasetSpec["tables"] {
  const tables: DatasetSpec["tables"] = {};
  for (const name of TABLE_NAMES) {
    const before = current?.tables[name];
    const changed = changes.files.get(name) ?? [];
    const gaps = changes.gaps.get(name) ?? before?.gaps;
    const coverage = changes.coverage.get(name) ?? before?.coverage;
    if (!before && changed.length === 0 && !gaps && !coverage) continue;
    const byPath = new Map((before?.files ?? []).map((f) => [f.path, f]));
    for (const f of changed) byPath.set(f.path, f);
    tables[name] = {
      columns: specColumnsOf(name),
      files: [...byPath.values()],
      ...(gaps ? { gaps: [...gaps] } : {}),
      ...(coverage ? { coverage: [...coverage] } : {}),
    };
  }
  return tables;
}

/** Whether two specs describe the same dataset (files, gaps, coverage, freshness), ignoring version and update_time. */
export function isSameContent(
  a: DatasetSpec | null,
  next: { tables: DatasetSpec["tables"]; freshness?: readonly SpecFreshness[] | undefined },
): boolean {
  const probe = { version: 1, schema_version: SCHEMA_VERSION, update_time: "1970-01-01T00:00:00Z" };
  const left = a ? formatSpec({ ...a, ...probe }) : formatSpec({ ...probe, tables: {} });
  const freshness = next.freshness ? [...next.freshness] : undefined;
  return left === formatSpec({ ...probe, tables: next.tables, ...(freshness && { freshness }) });
}
