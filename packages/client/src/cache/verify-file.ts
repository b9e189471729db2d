import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat, utimes } from "node:fs/promises";
import type { SpecFile } from "@cexdata/schema";

// Files whose sha256 this process has checked, with the size and mtime they had then: a file is
// hashed once per process, its size checked on every use.
const verified = new Map<string, string>();

export type Verdict = "ok" | "missing" | "wrong-size" | "wrong-hash";

/** Checks a local file against its manifest entry: size always, sha256 on first use in this process. */
export async function verifyFile(path: string, file: SpecFile): Promise<Verdict> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return "missing";
  }
  if (info.size !== file.bytes) return "wrong-size";
  const stamp = `${file.sha256}:${info.size}:${info.mtimeMs}`;
  if (verified.get(path) === stamp) return "ok";
  if ((await hashFile(path)) !== file.sha256) return "wrong-hash";
  verified.set(path, stamp);
  // Record the use for LRU pruning in atime, keeping mtime (part of the stamp) as it is.
  await utimes(path, new Date(), info.mtime).catch(() => undefined);
  return "ok";
}

/** Records a file just written and checked (a fresh download) as verified. */
export async function markVerified(path: string, file: SpecFile): Promise<void> {
  const info = await stat(path);
  verified.set(path, `${file.sha256}:${info.size}:${info.mtimeMs}`);
}

/** Forgets that a file was verified (it was replaced or deleted). */
export function forgetVerified(path: string): void {
  verified.delete(path);
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
