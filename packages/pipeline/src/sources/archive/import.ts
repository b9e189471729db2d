import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { emptyCounts, storeSink } from "../../ingest/index.js";
import { ArchiveFormatError } from "./errors.js";
import { fetchArchiveCsvs, type FetchArchiveCsvsParams } from "./fetch.js";
import { type CsvFormat, csvFormatFor } from "./formats.js";
import {
  type ArchiveDataset,
  type ArchiveSymbol,
  type ArchiveTable,
  planArchiveFiles,
  type TimeRange,
} from "./plan.js";
import { stageArchiveCsvs, type StagingStore } from "./stage-csvs.js";

/** A period the archive filled. */
export interface ArchiveImport extends TimeRange {
  readonly file: string;
  readonly rows: number;
}

/** A period the archive did not fill, and why; REST's to serve. */
export interface ArchiveLeftover extends TimeRange {
  readonly reason: "not_in_archive" | "not_published" | "refused" | "failed" | "format";
  readonly file?: string;
  readonly detail?: string;
}

export interface ImportArchiveRangeResult {
  readonly imported: ArchiveImport[];
  readonly leftover: ArchiveLeftover[];
  readonly fetched: number;
  readonly accepted: number;
  readonly rejectedByReason: Record<string, number>;
}

/**
 * Imports one range of whole past days from the archive: plan the files, fetch and verify them,
 * read each group of same-format CSVs on the store's DuckDB connection, validate in SQL, quarantine
 * refusals and stage the rest with source "archive" (`stageFromQuery`: rows never leave DuckDB).
 * Nothing is committed here.
 */
export async function importArchiveRange(
  p: Omit<FetchArchiveCsvsParams, "files" | "tmpDir" | "dataset"> & {
    store: StagingStore;
    datasetDir: string;
    runId: string;
    table: ArchiveTable;
    dataset: ArchiveDataset;
    symbol: ArchiveSymbol;
    nowMs: number;
    tmpDir?: string;
  },
): Promise<ImportArchiveRangeResult> {
  const range = { startMs: p.startMs, endMs: p.endMs };
  const { files, uncovered } = planArchiveFiles({
    symbol: p.symbol,
    dataset: p.dataset,
    range,
    nowMs: p.nowMs,
  });
  const leftover: ArchiveLeftover[] = uncovered.map((r) => ({ ...r, reason: "not_in_archive" }));
  const imported: ArchiveImport[] = [];
  const totals = emptyCounts();
  const tmpDir = await mkdtemp(path.join(p.tmpDir ?? tmpdir(), "cexdata-archive-"));
  const clip = (r: TimeRange): TimeRange => ({
    startMs: Math.max(r.startMs, range.startMs),
    endMs: Math.min(r.endMs, range.endMs),
  });
  try {
    const outcomes = await fetchArchiveCsvs({ ...p, files, tmpDir });
    const groups = new Map<
      string,
      { format: CsvFormat; items: { csvPath: string; file: TimeRange & { name: string } }[] }
    >();
    for (const o of outcomes) {
      if (o.status !== "ok") {
        leftover.push({ ...clip(o.file), reason: o.status, file: o.file.path, detail: o.detail });
        continue;
      }
      const format = csvFormatFor(p.symbol.venue, p.dataset, o.file.startMs);
      const group = groups.get(format.id) ?? { format, items: [] };
      group.items.push({ csvPath: o.csvPath, file: o.file });
      groups.set(format.id, group);
    }
    const sink = storeSink(p.store, { datasetDir: p.datasetDir, runId: p.runId });
    for (const { format, items } of groups.values()) {
      let rows: number[];
      try {
        rows = await stageArchiveCsvs({
          store: p.store,
          sink,
          table: p.table,
          symbol: p.symbol,
          format,
          files: items.map((i) => ({ csvPath: i.csvPath, range: clip(i.file) })),
          ...range,
          nowMs: p.nowMs,
          counts: totals,
        });
      } catch (err) {
        if (!(err instanceof ArchiveFormatError)) throw err;
        for (const i of items)
          leftover.push({ ...clip(i.file), reason: "format", file: i.file.name, detail: err.message });
        continue;
      }
      items.forEach((i, k) => imported.push({ ...clip(i.file), file: i.file.name, rows: rows[k] ?? 0 }));
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  imported.sort((a, b) => a.startMs - b.startMs);
  leftover.sort((a, b) => a.startMs - b.startMs);
  return {
    imported,
    leftover,
    fetched: totals.fetched,
    accepted: totals.accepted,
    rejectedByReason: totals.quarantined,
  };
}
