import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";

/** fsync a file or a directory (so a rename inside it is durable). */
export async function syncPath(target: string): Promise<void> {
  const handle = await open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Renames `from` onto `to` (atomic on one file system) and makes the rename durable. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
  await syncPath(path.dirname(to));
}

/**
 * Writes `text` to `target` and fsyncs it (not atomic: for temp files). A failed write (a full
 * disk) removes the partial file, so it does not keep holding the space.
 */
export async function writeFileDurably(target: string, text: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  try {
    const handle = await open(target, "w");
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(target, { force: true });
    throw error;
  }
}

/** Writes `text` to a temporary file beside `target`, fsyncs it, then renames it into place. */
export async function writeFileAtomic(target: string, text: string): Promise<void> {
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFileDurably(tmp, text);
  await renameDurably(tmp, target);
}

export async function removeIfExists(target: string): Promise<void> {
  await rm(target, { force: true, recursive: true });
}

/** Files up to this size are hashed from one read; larger ones are streamed in 1 MiB chunks. */
const HASH_IN_ONE_READ_BYTES = 8 << 20;

/** sha256 (lower-case hex) and size of a file. */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  // A small file is read at once into a buffer of its size: a stream allocates its whole 1 MiB chunk
  // for a file of a few KiB and takes several turns of the event loop, and `readFile` stats the file
  // again and reads in chunks; either cost a 2,000-file check most of its time.
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size <= HASH_IN_ONE_READ_BYTES) {
      const content = Buffer.allocUnsafe(size);
      let read = 0;
      for (let n = -1; read < size && n !== 0; read += n) {
        n = (await handle.read(content, read, size - read, read)).bytesRead;
      }
      return { sha256: hash.update(content.subarray(0, read)).digest("hex"), bytes: read };
    }
  } finally {
    await handle.close();
  }
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** A text file's content, or null when there is no such file (any other error is thrown). */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
