import { rm } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { retrying, type RetryPolicy, type SpecFile } from "@cexdata/schema";
import {
  DatasetAccessError,
  DatasetUnavailableError,
  IntegrityError,
  RevisionNotFoundError,
} from "../errors/index.js";
import { buildFileUrl, type DatasetSource } from "../source/dataset-source.js";
import { downloadBlob } from "./download-blob.js";
import { forgetVerified, markVerified, verifyFile } from "./verify-file.js";

/** Counters a Dataset exposes, so a caller (and the tests) can see what a query cost. */
export interface TransferStats {
  downloads: number;
  bytesDownloaded: number;
}

export interface EnsureFilesParams {
  source: DatasetSource;
  /** Revision the snapshot's files are fetched at (a commit id once resolved). */
  revision: string | undefined;
  cacheDir: string;
  fetch: typeof fetch;
  stats: TransferStats;
}

/**
 * A download that arrived damaged (wrong size or digest, or cut off) is asked once more at once; a
 * refusal or an unreachable host is not retried here (the Hub fetch retries 429s itself).
 */
const DOWNLOAD_RETRY: RetryPolicy = { attempts: 2, baseDelayMs: 0, maxDelayMs: 0, jitter: "none" };
const PARALLEL_DOWNLOADS = 4;
const inFlight = new Map<string, Promise<string>>();

/** The local paths of `files`, verified against the manifest; downloads only what is not cached. */
export async function ensureLocalFiles(
  params: EnsureFilesParams,
  files: readonly SpecFile[],
): Promise<string[]> {
  const paths: string[] = new Array<string>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      paths[index] = await ensureLocalFile(params, files[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, files.length) }, worker));
  return paths;
}

/** Where a blob lives in the cache: content-addressed, so versions share unchanged files. */
export function buildBlobPath(cacheDir: string, sha256: string): string {
  return join(cacheDir, "blobs", `${sha256}.parquet`);
}

async function ensureLocalFile(params: EnsureFilesParams, file: SpecFile): Promise<string> {
  if (params.source.kind === "local") return verifyInPlace(params.source.root, file);
  const blobPath = buildBlobPath(params.cacheDir, file.sha256);
  let pending = inFlight.get(blobPath);
  if (!pending) {
    pending = fillBlob(params, file, blobPath).finally(() => inFlight.delete(blobPath));
    inFlight.set(blobPath, pending);
  }
  return pending;
}

async function fillBlob(params: EnsureFilesParams, file: SpecFile, blobPath: string): Promise<string> {
  const verdict = await verifyFile(blobPath, file);
  if (verdict === "ok") return blobPath;
  if (verdict !== "missing") {
    // Corrupted or truncated by a crash, a disk error or a hand: drop it and fetch it again.
    forgetVerified(blobPath);
    await rm(blobPath, { force: true });
  }
  const url = buildFileUrl(params.source, file.path, params.revision);
  const { source } = params;
  const pin =
    source.kind === "hub" ? { repo: source.repo, revision: params.revision ?? source.revision } : null;
  try {
    const bytes = await retrying(() => downloadBlob({ url, file, blobPath, fetch: params.fetch, pin }), {
      policy: DOWNLOAD_RETRY,
      classify: (error) => ({ retry: error instanceof IntegrityError }),
    });
    params.stats.downloads += 1;
    params.stats.bytesDownloaded += bytes;
  } catch (error) {
    // A refusal or a revision gone already says what to do; neither is wrapped.
    const explained = error instanceof DatasetAccessError || error instanceof RevisionNotFoundError;
    if (error instanceof DatasetUnavailableError && !explained) {
      throw new DatasetUnavailableError(
        `cexdata: cannot download ${file.path}: ${error.message}; it is not in the cache (${params.cacheDir})`,
        { url, status: error.status, cause: error },
      );
    }
    throw error;
  }
  await markVerified(blobPath, file);
  return blobPath;
}

async function verifyInPlace(root: string, file: SpecFile): Promise<string> {
  const path = resolve(root, file.path);
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new IntegrityError(`manifest path ${file.path} is outside the dataset ${root}`, {
      path: file.path,
    });
  }
  const verdict = await verifyFile(path, file);
  if (verdict === "ok") return path;
  throw new IntegrityError(`${path} does not match spec.json (${verdict})`, {
    path: file.path,
    expected: `${file.bytes} bytes, sha256 ${file.sha256}`,
    actual: verdict,
  });
}
