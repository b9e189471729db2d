import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  SCHEMA_VERSION,
  compactedPartitionPath,
  parseDatasetSpec,
  readTableFilesSql,
  type DatasetSpec,
  type SpecFile,
  type TableName,
} from "@cexdata/schema";
import { constantColumns, readFileValues, type SourceValues } from "./constant-text.js";
import { quoteSqlString } from "./duckdb.js";
import { DatasetStoreStateError } from "./errors.js";
import { hashFile, syncPath } from "./fs-atomic.js";
import { installCommit, type CommitProgress, type CommitStep } from "./install-commit.js";
import { TMP_DIR, type JournalMove } from "./journal.js";
import { buildStagingLayout } from "./staging-layout.js";
import { PARQUET_COPY_OPTIONS, keyOrderSql, readParquetStats, selectColumnsSql } from "./merge-partition.js";

/**
 * The closed years of a table and base compacted into one file: a year's month files into its year
 * file (monthly tables), or closed years' files into the base's `all` file (yearly tables).
 */
export interface Compaction {
  readonly table: TableName;
  /** The file, dataset-relative (`data/liquidations/base=BTC/2024.parquet`, `data/funding_rates/base=BTC/all.parquet`). */
  readonly to: string;
  /** The files it replaces, dataset-relative, in time order. */
  readonly from: readonly string[];
}

/**
 * The files a spec lists that belong in a closed years' file at `nowMs` (tables with
 * `compactClosedYears`, see `compactedPartitionPath`): written while their year was open, or by a
 * release that kept them apart.
 * Empty for a dataset already in the current layout.
 */
export function planCompaction(spec: DatasetSpec | null, nowMs: number): Compaction[] {
  const plan = new Map<string, { table: TableName; from: string[] }>();
  for (const [name, table] of Object.entries(spec?.tables ?? {})) {
    for (const file of table?.files ?? []) {
      const to = compactedPartitionPath(file.path, nowMs);
      if (to === file.path) continue;
      const entry = plan.get(to) ?? { table: name as TableName, from: [] };
      entry.from.push(file.path);
      plan.set(to, entry);
    }
  }
  return [...plan]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([to, { table, from }]) => ({ table, to, from: from.sort() }));
}

export interface WrittenCompaction {
  readonly compaction: Compaction;
  readonly entry: SpecFile;
  readonly move: JournalMove;
}

/**
 * Writes one compaction's file to `tmp`: the rows of the files it replaces and of the file the spec
 * may already list at its path (a shard merged from another layout, or the `all` file a year
 * joins), one per key (that file's first, then the earlier period's), sorted by key, zstd, the
 * schema's column order and types, as every store write. Two periods never share a key (the time
 * decides the period), so no row is lost or doubled.
 */
export async function writeCompaction(params: {
  readonly conn: DuckDBConnection;
  readonly dir: string;
  readonly spec: DatasetSpec;
  readonly compaction: Compaction;
  readonly tmp: string;
}): Promise<WrittenCompaction> {
  const { conn, dir, spec, compaction, tmp } = params;
  const { table, to, from } = compaction;
  const listed = new Set((spec.tables[table]?.files ?? []).map((f) => f.path));
  const sources = [...(listed.has(to) ? [to] : []), ...from];
  for (const rel of sources) {
    // A file missing (a pull of recent partitions only) would drop its rows from the compacted
    // file: refuse, naming what to fetch, rather than publish a year with a period missing.
    if (!existsSync(path.join(dir, rel)))
      throw new DatasetStoreStateError(
        `cannot compact ${to}: ${rel} is listed in spec.json but not on disk; ` +
          `pull the dataset again (\`cexdata pull\` fetches the files of a closed year) or with --all`,
      );
  }
  const parts = sources.map(
    (rel, i) =>
      `SELECT *, ${i} AS _src FROM ${readTableFilesSql(table, quoteSqlString(path.join(dir, rel)))}`,
  );
  const keys = keyOrderSql(table);
  const union = `SELECT * FROM (${parts.join(" UNION ALL BY NAME ")})`;
  const rows = listed.has(to)
    ? `${union} QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY _src) = 1`
    : union;
  const dictColumns = buildStagingLayout(table).dictColumns;
  const values: SourceValues[] = [];
  for (const rel of sources) values.push(await readFileValues(conn, path.join(dir, rel), dictColumns));
  const constants = constantColumns(dictColumns, values);
  await conn.run(
    `COPY (SELECT ${selectColumnsSql(table, constants)} FROM (${rows}) ORDER BY ${keys}) ` +
      `TO ${quoteSqlString(tmp)} (${PARQUET_COPY_OPTIONS})`,
  );
  const { sha256, bytes } = await hashFile(tmp);
  await syncPath(tmp);
  const stats = await readParquetStats(conn, table, tmp);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const entry: SpecFile = {
    path: to,
    rows: stats.rows,
    bytes,
    sha256,
    min_ts: iso(stats.minTsMs),
    max_ts: iso(stats.maxTsMs),
  };
  return { compaction, entry, move: { from: path.relative(dir, tmp), to, sha256 } };
}

/** The tables of the spec after the compactions: each compacted file in, the files it replaces out. */
export function compactedTables(
  spec: DatasetSpec,
  written: readonly WrittenCompaction[],
): DatasetSpec["tables"] {
  const tables: DatasetSpec["tables"] = { ...spec.tables };
  for (const { compaction, entry } of written) {
    const table = tables[compaction.table]!;
    const gone = new Set([...compaction.from, compaction.to]);
    tables[compaction.table] = { ...table, files: [...table.files.filter((f) => !gone.has(f.path)), entry] };
  }
  return tables;
}

/**
 * Compacts every closed year's files the spec lists (see `planCompaction`) as one commit of its
 * own, through the journal like every store write: rows identical, sorted by key, spec.json written
 * last, the replaced files removed after it; a killed compaction is rolled forward or redone.
 * Returns the spec after it, or null when there was nothing to compact.
 */
export async function compactClosedYears(params: {
  readonly dir: string;
  readonly spec: DatasetSpec | null;
  readonly nowMs: number;
  readonly updateTimeMs: number;
  /** The connections to write on, asked for only when there is something to compact. */
  readonly conns: () => Promise<readonly DuckDBConnection[]>;
  readonly tmpFor: () => string;
  readonly progress: CommitProgress;
  readonly step: (step: CommitStep) => void | Promise<void>;
}): Promise<{ spec: DatasetSpec; compacted: Compaction[] } | null> {
  const { dir, spec, progress } = params;
  const plan = planCompaction(spec, params.nowMs);
  if (spec === null || plan.length === 0) return null;
  progress.writing = `${plan.length} files of closed years (DuckDB COPY into ${TMP_DIR})`;
  await mkdir(path.join(dir, TMP_DIR), { recursive: true });
  const written: WrittenCompaction[] = [];
  let next = 0;
  // One file per connection at a time, as partitions are merged: a compacted file is one thread's COPY.
  await Promise.all(
    (await params.conns()).slice(0, plan.length).map(async (conn) => {
      for (let i = next++; i < plan.length; i = next++) {
        const tmp = params.tmpFor();
        progress.temps.push(tmp);
        written[i] = await writeCompaction({ conn, dir, spec, compaction: plan[i]!, tmp });
      }
    }),
  );
  for (const w of written) await params.step({ step: "file-written", path: w.entry.path, changed: true });
  const compactedSpec = parseDatasetSpec({
    version: spec.version + 1,
    schema_version: SCHEMA_VERSION,
    update_time: new Date(params.updateTimeMs).toISOString(),
    tables: compactedTables(spec, written),
    ...(spec.freshness && { freshness: spec.freshness }),
  });
  await installCommit({
    dir,
    moves: written.map((w) => w.move),
    spec: compactedSpec,
    deletes: plan.flatMap((c) => c.from),
    progress,
    step: params.step,
  });
  return { spec: compactedSpec, compacted: plan };
}
