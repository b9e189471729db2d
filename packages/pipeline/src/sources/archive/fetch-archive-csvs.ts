import path from "node:path";
import { rm } from "node:fs/promises";
import {
  dailyArchiveFiles,
  granularitiesOf,
  type ArchiveDataset,
  type ArchiveFile,
} from "./archive-files.js";
import type { ArchiveSymbol } from "./archive-symbol.js";
import { downloadArchiveZip, type DownloadArchiveZipParams } from "./download-archive-zip.js";
import { ArchiveNotFoundError } from "./errors.js";
import { unzipCsv } from "./unzip-csv.js";

/** What became of one archive file: a verified CSV on disk, or why its period is left to REST. */
export type ArchiveFileOutcome =
  | { readonly status: "ok"; readonly file: ArchiveFile; readonly csvPath: string }
  | {
      readonly status: "not_published" | "refused" | "failed";
      readonly file: ArchiveFile;
      readonly detail: string;
    };

export interface FetchArchiveCsvsParams extends Pick<
  DownloadArchiveZipParams,
  "archiveUrl" | "fetch" | "attempts" | "backoffMs" | "sleep"
> {
  symbol: ArchiveSymbol;
  dataset: ArchiveDataset;
  files: readonly ArchiveFile[];
  /** Only days inside [startMs, endMs) are asked for when a monthly file falls back to dailies. */
  startMs: number;
  endMs: number;
  tmpDir: string;
  /** Files downloaded at once (default 4). */
  concurrency?: number;
}

async function fetchOne(p: FetchArchiveCsvsParams, file: ArchiveFile): Promise<ArchiveFileOutcome> {
  const base = path.join(p.tmpDir, file.name.replace(/\.zip$/, ""));
  const zipPath = `${base}.zip`;
  const csvPath = `${base}.csv`;
  try {
    await downloadArchiveZip({ ...p, file, zipPath });
    await unzipCsv({ zipPath, csvPath, url: file.path });
    return { status: "ok", file, csvPath };
  } catch (err) {
    await rm(csvPath, { force: true });
    const detail = err instanceof Error ? err.message : String(err);
    if (err instanceof ArchiveNotFoundError) return { status: "not_published", file, detail };
    return {
      status: err instanceof Error && err.name === "ArchiveIntegrityError" ? "refused" : "failed",
      file,
      detail,
    };
  } finally {
    await rm(zipPath, { force: true });
  }
}

/**
 * Downloads, verifies and unzips the files, a few at a time. A monthly file not published yet
 * falls back to the daily files of its days in range; anything still missing, refused (checksum,
 * corrupt zip) or failed is returned as such, for REST.
 */
export async function fetchArchiveCsvs(p: FetchArchiveCsvsParams): Promise<ArchiveFileOutcome[]> {
  const queue = [...p.files];
  const outcomes: ArchiveFileOutcome[] = [];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const outcome = await fetchOne(p, file);
      const fallback =
        outcome.status === "not_published" &&
        file.granularity === "monthly" &&
        granularitiesOf(p.dataset).includes("daily");
      if (!fallback) {
        outcomes.push(outcome);
        continue;
      }
      const range = { startMs: Math.max(file.startMs, p.startMs), endMs: Math.min(file.endMs, p.endMs) };
      queue.push(...dailyArchiveFiles(p.symbol, p.dataset, range));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, p.concurrency ?? 4) }, worker));
  return outcomes.sort((a, b) => a.file.startMs - b.file.startMs);
}
