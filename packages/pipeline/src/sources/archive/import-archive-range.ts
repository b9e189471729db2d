import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { emptyCounts, ingestRows, storeSink } from "../../ingest/index.js";
import { planArchiveFiles, type ArchiveDataset, type TimeRange } from "./archive-files.js";
import type { ArchiveSymbol } from "./archive-symbol.js";
import type { ArchiveTable } from "./archive-rows-sql.js";
import { csvFormatFor, type CsvFormat } from "./csv-formats.js";
import { fetchArchiveCsvs, type FetchArchiveCsvsParams } from "./fetch-archive-csvs.js";
import { importArchiveCsvs } from "./import-archive-csvs.js";
import type { StagingStore } from "./staging-store.js";

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

let batchCounter = 0;

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
    for (const { format, items } of groups.values()) {
      await p.store.withConnection(async (conn) => {
        const prefix = `archive_${process.pid}_${batchCounter++}`;
        let batch;
        try {
          batch = await importArchiveCsvs({
            conn,
            table: p.table,
            symbol: p.symbol,
            format,
            csvPaths: items.map((i) => i.csvPath),
            ...range,
            nowMs: p.nowMs,
            prefix,
          });
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          for (const i of items)
            leftover.push({ ...clip(i.file), reason: "format", file: i.file.name, detail });
          return;
        }
        const { accepted: a, rejected: r, checked: c, dups: d } = batch.relations;
        try {
          const counts = await rowsPerFile(
            conn,
            a,
            items.map((i) => clip(i.file)),
          );
          items.forEach((i, k) =>
            imported.push({ ...clip(i.file), file: i.file.name, rows: counts[k] ?? 0 }),
          );
          await ingestRows({
            table: p.table,
            source: "archive",
            nowMs: p.nowMs,
            input: { checked: { ...batch, keysUnique: true } },
            sink: storeSink(p.store, { datasetDir: p.datasetDir, runId: p.runId }),
            counts: totals,
          });
        } finally {
          await conn.run(
            `DROP VIEW IF EXISTS ${a}; DROP VIEW IF EXISTS ${r}; DROP TABLE IF EXISTS ${c}; DROP TABLE IF EXISTS ${d}`,
          );
        }
      });
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

async function rowsPerFile(conn: DuckDBConnection, relation: string, ranges: TimeRange[]): Promise<number[]> {
  if (ranges.length === 0) return [];
  const list = ranges.map((r, i) => `(${i}, ${r.startMs}::BIGINT, ${r.endMs}::BIGINT)`).join(", ");
  const reader = await conn.runAndReadAll(
    `SELECT f.i, count(a.ts)::DOUBLE FROM (VALUES ${list}) f(i, s, e)
     LEFT JOIN ${relation} a ON epoch_ms(a.ts) >= f.s AND epoch_ms(a.ts) < f.e GROUP BY f.i ORDER BY f.i`,
  );
  return (reader.getRows() as [number, number][]).map(([, n]) => n);
}
