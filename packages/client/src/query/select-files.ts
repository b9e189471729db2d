import {
  parsePartitionPath,
  partitionTimeRange,
  TABLES,
  type DatasetSpec,
  type SpecFile,
  type TableName,
} from "@cexdata/schema";

/**
 * The files of `table` a query needs: those of the requested bases (for tables cut by base) whose
 * rows can fall in [start, end), judged by min_ts/max_ts from the manifest, else by the partition's
 * period.
 */
export function selectFiles(
  spec: DatasetSpec,
  table: TableName,
  filter: { bases?: readonly string[]; start?: number; end?: number } = {},
): SpecFile[] {
  const files = spec.tables[table]?.files ?? [];
  const bases = filter.bases && TABLES[table].partition.byBase ? new Set(filter.bases) : null;
  const start = filter.start ?? -Infinity;
  const end = filter.end ?? Infinity;
  return files.filter((file) => {
    if (bases && !bases.has(parsePartitionPath(file.path)?.base ?? "")) return false;
    if (file.rows === 0) return false;
    const period = partitionTimeRange(file.path);
    const first = file.min_ts ? Date.parse(file.min_ts) : period.startMs;
    const last = file.max_ts ? Date.parse(file.max_ts) : period.endMs - 1;
    return first < end && last >= start;
  });
}

/** Every base asset that has at least one file in the dataset. */
export function listStoredBases(spec: DatasetSpec): Set<string> {
  const bases = new Set<string>();
  for (const table of Object.values(spec.tables)) {
    for (const file of table?.files ?? []) {
      const base = parsePartitionPath(file.path)?.base;
      if (base) bases.add(base);
    }
  }
  return bases;
}
