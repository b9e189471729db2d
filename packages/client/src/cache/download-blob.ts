import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { SpecFile } from "@cexdata/schema";
import { CexdataError, DatasetUnavailableError, IntegrityError } from "../errors/index.js";
import { describeError } from "../source/fetch-remote-spec.js";
import { throwIfRevisionGone } from "../source/revision-not-found.js";

/**
 * Streams `url` into a unique temp file beside `blobPath`, checks its size and sha256 against the
 * manifest entry, and renames it into place. Rename is atomic, so processes filling one cache at once
 * never see half a file and need no lock: the last writer replaces identical bytes. Returns bytes read.
 */
export async function downloadBlob(params: {
  url: string;
  file: SpecFile;
  blobPath: string;
  fetch: typeof fetch;
  /** The Hub dataset and revision the URL names, to say so when the Hub no longer resolves it. */
  pin?: { repo: string; revision: string } | null;
}): Promise<number> {
  const { url, file, blobPath } = params;
  let response: Response;
  try {
    response = await params.fetch(url);
  } catch (error) {
    if (error instanceof CexdataError) throw error;
    throw new DatasetUnavailableError(`GET ${url} failed: ${describeError(error)}`, { url, cause: error });
  }
  if (params.pin) await throwIfRevisionGone(response, { url, ...params.pin });
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DatasetUnavailableError(`GET ${url} answered ${response.status}`, {
      url,
      status: response.status,
    });
  }
  await mkdir(dirname(blobPath), { recursive: true });
  const temp = `${blobPath}.${process.pid}.${randomUUID()}.tmp`;
  const hash = createHash("sha256");
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > file.bytes)
        return callback(new Error(`more than the ${file.bytes} bytes the manifest lists`));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
    await pipeline(body, measure, createWriteStream(temp));
  } catch (error) {
    await rm(temp, { force: true });
    if (bytes > file.bytes) throw mismatch(file, url, `${file.bytes} bytes`, `more than ${file.bytes} bytes`);
    throw new IntegrityError(
      `download of ${file.path} from ${url} broke off after ${bytes} bytes: ${describeError(error)}`,
      {
        path: file.path,
        expected: `${file.bytes} bytes`,
        actual: `${bytes} bytes`,
      },
    );
  }
  const sha256 = hash.digest("hex");
  if (bytes !== file.bytes || sha256 !== file.sha256) {
    await rm(temp, { force: true });
    throw bytes !== file.bytes
      ? mismatch(file, url, `${file.bytes} bytes`, `${bytes} bytes`)
      : mismatch(file, url, `sha256 ${file.sha256}`, `sha256 ${sha256}`);
  }
  await rename(temp, blobPath);
  return bytes;
}

function mismatch(file: SpecFile, url: string, expected: string, actual: string): IntegrityError {
  return new IntegrityError(`${file.path} from ${url}: expected ${expected}, got ${actual}`, {
    path: file.path,
    expected,
    actual,
  });
}
