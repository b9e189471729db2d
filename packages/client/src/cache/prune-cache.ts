import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * Deletes the least recently used blobs until the cache holds at most `maxBytes` (recency: the later
 * of atime and mtime; the client touches a blob when it first uses it in a process). Blobs in `keep`
 * (those the current query reads) and temp files younger than an hour are left alone.
 */
export async function pruneCache(params: {
  cacheDir: string;
  maxBytes: number;
  keep?: ReadonlySet<string>;
  now?: number;
}): Promise<{ removedFiles: number; removedBytes: number; totalBytes: number }> {
  const dir = join(params.cacheDir, "blobs");
  const now = params.now ?? Date.now();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { removedFiles: 0, removedBytes: 0, totalBytes: 0 };
  }
  const entries: { path: string; size: number; usedAt: number }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    if (name.endsWith(".tmp")) {
      if (now - info.mtimeMs > 3_600_000) await rm(path, { force: true });
      continue;
    }
    entries.push({ path, size: info.size, usedAt: Math.max(info.atimeMs, info.mtimeMs) });
  }
  let totalBytes = entries.reduce((sum, e) => sum + e.size, 0);
  let removedFiles = 0;
  let removedBytes = 0;
  entries.sort((a, b) => a.usedAt - b.usedAt);
  for (const entry of entries) {
    if (totalBytes <= params.maxBytes) break;
    if (params.keep?.has(entry.path)) continue;
    await rm(entry.path, { force: true });
    totalBytes -= entry.size;
    removedFiles += 1;
    removedBytes += entry.size;
  }
  return { removedFiles, removedBytes, totalBytes };
}
