import { retrying, type RetryPolicy } from "@cexdata/schema";
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { ArchiveFetchError, ArchiveIntegrityError, ArchiveNotFoundError } from "./errors.js";
import {
  type ArchiveDataset,
  type ArchiveFile,
  type ArchiveSymbol,
  dailyArchiveFiles,
  granularitiesOf,
} from "./plan.js";

export interface DownloadArchiveZipParams {
  /** Base of the archive, e.g. `https://data.binance.vision` (CEXDATA_ARCHIVE_URL). */
  archiveUrl: string;
  file: ArchiveFile;
  /** Where the verified zip is written. */
  zipPath: string;
  fetch?: typeof globalThis.fetch;
  /** Attempts per file for network errors, 5xx and checksum mismatches (default 3). */
  attempts?: number;
  /** Pause before attempt n (1-based) is `backoffMs * 2^(n-2)` (default 250). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** URL of an archive path under the base, keeping any path prefix the base carries. */
export function archiveUrlOf(archiveUrl: string, path: string): string {
  return `${archiveUrl.replace(/\/+$/, "")}/${path}`;
}

/** Fetches the `.CHECKSUM` text; null when the archive has none (404). */
async function fetchChecksum(url: string, fetchFn: typeof globalThis.fetch): Promise<string | null> {
  const res = await fetchFn(url);
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ArchiveFetchError(url, res.status, res.statusText);
  }
  return res.text();
}

/** Streams the zip to `zipPath`, hashing on the way. Returns the sha256 hex, or null on 404. */
async function streamZip(
  url: string,
  zipPath: string,
  fetchFn: typeof globalThis.fetch,
): Promise<string | null> {
  const res = await fetchFn(url);
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new ArchiveFetchError(url, res.status, res.statusText);
  }
  const hash = createHash("sha256");
  const out = await open(zipPath, "w");
  try {
    for await (const chunk of res.body) {
      hash.update(chunk);
      await out.write(chunk);
    }
  } finally {
    await out.close();
  }
  return hash.digest("hex");
}

/**
 * Downloads one archive zip to `zipPath` and verifies it against its `.CHECKSUM` before anything
 * reads it. Throws ArchiveNotFoundError (404: not published yet), ArchiveIntegrityError (the
 * digest still differs after the retries, or there is no checksum to verify against) or
 * ArchiveFetchError (network / 5xx after the retries).
 */
export async function downloadArchiveZip(params: DownloadArchiveZipParams): Promise<void> {
  const fetchFn = params.fetch ?? globalThis.fetch;
  const url = archiveUrlOf(params.archiveUrl, params.file.path);
  const policy: RetryPolicy = {
    attempts: Math.max(1, params.attempts ?? 3),
    baseDelayMs: params.backoffMs ?? 250,
    maxDelayMs: Infinity,
    // One reader of a static file: no one to spread out from.
    jitter: "none",
  };
  await retrying(
    async () => {
      try {
        const digest = await streamZip(url, params.zipPath, fetchFn);
        if (digest === null) throw new ArchiveNotFoundError(url);
        const text = await fetchChecksum(`${url}.CHECKSUM`, fetchFn);
        if (text === null) throw new ArchiveIntegrityError(url, "no .CHECKSUM published");
        const expected = parseChecksum(text, params.file.name);
        if (expected === null) throw new ArchiveIntegrityError(url, "unreadable .CHECKSUM");
        if (expected !== digest) throw new ArchiveIntegrityError(url, `sha256 ${digest} != ${expected}`);
      } catch (err) {
        if (err instanceof ArchiveNotFoundError || err instanceof ArchiveIntegrityError) throw err;
        if (err instanceof ArchiveFetchError) throw err;
        throw new ArchiveFetchError(url, null, err instanceof Error ? err.message : String(err));
      }
    },
    {
      policy,
      sleep: params.sleep,
      // 404 is "not published": asking again gets the same answer. A mismatch, a 5xx or a broken
      // connection may not recur.
      classify: (err) => ({ retry: !(err instanceof ArchiveNotFoundError) }),
    },
  );
}

/**
 * Reads a `.CHECKSUM` file: `<sha256 hex><two spaces><zip name>`, with or without a trailing
 * newline (Binance's have none). Returns the hex digest, or null if the file does not name `zipName`.
 */
export function parseChecksum(text: string, zipName: string): string | null {
  const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(text.trim());
  if (!m || m[2] !== zipName) return null;
  return m[1]!.toLowerCase();
}

/**
 * Stream-unzips the single CSV of a verified archive zip into `csvPath`, never holding the whole
 * file in memory. A zip that is truncated, holds no CSV or will not inflate is refused.
 */
export async function unzipCsv(params: { zipPath: string; csvPath: string; url: string }): Promise<void> {
  const out = await open(params.csvPath, "w");
  const pending: Uint8Array[] = [];
  let failure: string | null = null;
  let files = 0;
  let finished = false;
  const unzip = new Unzip((file) => {
    if (!file.name.toLowerCase().endsWith(".csv")) return;
    if (++files > 1) {
      failure = "more than one CSV in the zip";
      return;
    }
    file.ondata = (err, chunk, final) => {
      if (err) failure = `inflate: ${err.message}`;
      else {
        pending.push(chunk);
        if (final) finished = true;
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    for await (const chunk of createReadStream(params.zipPath, { highWaterMark: 1 << 20 })) {
      unzip.push(chunk as Uint8Array);
      for (const piece of pending.splice(0)) await out.write(piece);
      if (failure !== null) break;
    }
    if (failure === null) unzip.push(new Uint8Array(0), true);
    for (const piece of pending.splice(0)) await out.write(piece);
  } catch (err) {
    failure ??= err instanceof Error ? err.message : String(err);
  } finally {
    await out.close();
  }
  if (failure === null && files === 0) failure = "no CSV in the zip";
  if (failure === null && !finished) failure = "truncated zip";
  if (failure !== null) throw new ArchiveIntegrityError(params.url, `corrupt zip: ${failure}`);
}

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
