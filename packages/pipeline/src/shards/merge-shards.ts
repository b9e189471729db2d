import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import {
  SCHEMA_VERSION,
  TABLE_NAMES,
  parsePartitionPath,
  type DatasetSpec,
  type SpecFile,
  type SpecTable,
  type TableName,
} from "@cexdata/schema";
import { openDatasetStore, openDuckDB, readSpec, writeSpec } from "../store/index.js";
import { mergeFreshness } from "../store/merge-freshness.js";
import { ingestRows, type IngestSink } from "../ingest/index.js";
import { LocalDatasetError } from "../store/local-dataset-error.js";
import { filesOf, readVerifiedDataset, type LocalDataset } from "../store/read-local-dataset.js";
import { deriveMergedTokenInfo, TOKEN_INFO_PATH } from "./merged-token-info.js";
import { readParquetRows } from "../store/read-parquet-rows.js";

export interface MergeDatasetShardsParams {
  /** Dataset dirs of the shards (spec.json and the files each shard wrote); their order breaks ties. */
  readonly shardDirs: readonly string[];
  /** The merged dataset dir; must not hold a spec.json yet. */
  readonly outDir: string;
  /** The spec every shard was seeded from (the Hub's); null or omitted: a first publish. */
  readonly baseSpec?: DatasetSpec | null;
  /** The clock token_info rows are validated against; Date.now by default. */
  readonly nowMs?: () => number;
}

export interface MergeDatasetShardsResult {
  readonly spec: DatasetSpec;
  /** Files taken whole from the one shard that changed them. */
  readonly copied: readonly string[];
  /** Files several shards changed, merged row by row (by the table's key) through the store. */
  readonly merged: readonly string[];
}

/**
 * Merges shard datasets (e.g. one per exchange, each seeded from the same Hub revision) into one dataset
 * dir for a single publish commit. A file one shard changed is copied; a file several shards changed
 * (a base's partition holds every exchange) is merged by primary key through the store, the only
 * Parquet writer; gaps and coverage each shard added or removed are applied. token_info is then derived
 * again from the merged exchange_info and manifest. Files no shard changed stay listed and absent, as
 * the publisher expects.
 */
export async function mergeDatasetShards(
  params: MergeDatasetShardsParams,
): Promise<MergeDatasetShardsResult> {
  if (params.shardDirs.length === 0) throw new LocalDatasetError("merge-shards needs at least one shard");
  if (await readSpec(params.outDir)) {
    throw new LocalDatasetError(`${params.outDir} already holds a dataset; merge into an empty dir`);
  }
  const base = params.baseSpec ?? null;
  const baseFiles = base ? filesOf(base) : new Map<string, SpecFile>();
  const shards = await Promise.all(params.shardDirs.map((dir) => readVerifiedDataset(dir)));

  // Who changed what, relative to the base.
  const changers = new Map<string, LocalDataset[]>();
  for (const shard of shards) {
    for (const [p, file] of shard.files) {
      if (baseFiles.get(p)?.sha256 === file.sha256) continue;
      if (shard.missing.has(p)) {
        throw new LocalDatasetError(`${shard.dir}: ${p} changed in spec.json but the file is missing`);
      }
      changers.set(p, [...(changers.get(p) ?? []), shard]);
    }
  }

  const tables: DatasetSpec["tables"] = {};
  for (const name of TABLE_NAMES) {
    const mergedTable = mergeTable(
      name,
      base?.tables[name],
      shards.map((s) => s.spec.tables[name]),
      changers,
    );
    if (mergedTable) tables[name] = mergedTable;
  }
  const spec: DatasetSpec = {
    version: Math.max(base?.version ?? 0, ...shards.map((s) => s.spec.version)),
    schema_version: SCHEMA_VERSION,
    update_time: shards
      .map((s) => s.spec.update_time)
      .sort()
      .at(-1)!,
    tables,
  };
  // Each shard changed the entries of its own exchange; the others it holds are the base's.
  const freshness = mergeFreshness(
    base?.freshness,
    shards.map((s) => s.spec.freshness),
  );
  if (freshness) spec.freshness = freshness;

  const copied: string[] = [];
  const merged: string[] = [];
  for (const [p, [first, ...others]] of changers) {
    const target = path.join(params.outDir, p);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(first!.dir, p), target);
    (others.length > 0 ? merged : copied).push(p);
  }
  await mkdir(params.outDir, { recursive: true });
  await writeSpec(params.outDir, spec);
  // token_info is derived from the other tables: a shard's rows only know that shard's exchanges.
  const tokenInfoShards = changers.get(TOKEN_INFO_PATH) ?? [];
  if (merged.length === 0 && tokenInfoShards.length === 0) return { spec, copied: copied.sort(), merged };

  const nowMs = params.nowMs ?? Date.now;
  // The run's clock also decides which years are closed, hence which liquidation files rows go to.
  const store = await openDatasetStore({ dir: params.outDir, nowMs });
  const reader = await openDuckDB();
  // Shard rows were validated when their shard stored them: one refused now means a damaged shard.
  const sink: IngestSink = {
    stage: (table, rows, source) => store.stage(table, rows, source),
    quarantine: async (rejected) => {
      if (rejected.length === 0) return;
      throw new LocalDatasetError(
        `a shard holds ${rejected.length} rows the rules refuse (first: ${rejected[0]!.reason}); verify the shards`,
      );
    },
  };
  try {
    for (const p of merged.sort()) {
      const table = parsePartitionPath(p)!.table;
      for (const shard of changers.get(p)!.slice(1)) {
        const rows = await readParquetRows(reader, table, path.join(shard.dir, p));
        // Ranked below the stored rows: a key both shards hold keeps the first shard's row.
        await ingestRows({ table, source: "rest", nowMs: nowMs(), input: { rows }, sink });
      }
    }
    await store.commit();
    if (tokenInfoShards.length > 0) {
      const rows = await deriveMergedTokenInfo({
        reader,
        outDir: params.outDir,
        spec: store.spec!,
        tokenInfoDirs: tokenInfoShards.map((s) => s.dir),
        shardDirs: shards.map((s) => s.dir),
      });
      if (rows !== null) {
        await ingestRows({ table: "token_info", source: "rest", nowMs: nowMs(), input: { rows }, sink });
        await store.commit();
        if (!merged.includes(TOKEN_INFO_PATH)) {
          copied.splice(copied.indexOf(TOKEN_INFO_PATH), 1);
          merged.push(TOKEN_INFO_PATH);
        }
      }
    }
  } finally {
    reader.close();
    await store.close();
  }
  return { spec: (await readSpec(params.outDir))!, copied: copied.sort(), merged: merged.sort() };
}

function mergeTable(
  name: TableName,
  base: SpecTable | undefined,
  shardTables: readonly (SpecTable | undefined)[],
  changers: ReadonlyMap<string, readonly LocalDataset[]>,
): SpecTable | undefined {
  const present = shardTables.filter((t): t is SpecTable => t !== undefined);
  if (!base && present.length === 0) return undefined;
  const files = new Map((base?.files ?? []).map((f) => [f.path, f]));
  for (const [p, [first]] of changers) {
    if (parsePartitionPath(p)?.table === name) files.set(p, first!.files.get(p)!);
  }
  const table: SpecTable = {
    columns: (present[0] ?? base)!.columns,
    files: [...files.values()],
  };
  const gaps = applyEntryChanges(
    base?.gaps,
    present.map((t) => t.gaps),
  );
  const coverage = applyEntryChanges(
    base?.coverage,
    present.map((t) => t.coverage),
  );
  if (gaps) table.gaps = gaps;
  if (coverage) table.coverage = coverage;
  return table;
}

/** The base's entries, less those any shard removed, plus those any shard added. */
function applyEntryChanges<T>(
  base: readonly T[] | undefined,
  shards: readonly (readonly T[] | undefined)[],
): T[] | undefined {
  if (!base && shards.every((s) => !s)) return undefined;
  const key = (e: T) => JSON.stringify(e);
  const baseKeys = new Map((base ?? []).map((e) => [key(e), e]));
  const out = new Map(baseKeys);
  for (const entries of shards) {
    const keys = new Set((entries ?? []).map(key));
    for (const k of baseKeys.keys()) if (!keys.has(k)) out.delete(k);
    for (const e of entries ?? []) if (!baseKeys.has(key(e))) out.set(key(e), e);
  }
  return [...out.values()];
}
