import { createHash } from "node:crypto";
import { retrying, type RetryPolicy } from "@cexdata/schema";
import { open } from "node:fs/promises";
import type { ArchiveFile } from "./archive-files.js";
import { parseChecksum } from "./checksum.js";
import { ArchiveFetchError, ArchiveIntegrityError, ArchiveNotFoundError } from "./errors.js";

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
