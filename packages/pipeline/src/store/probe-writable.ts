import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { DatasetNotWritableError } from "./errors.js";
import { mapDiskFullError } from "./map-disk-full-error.js";

// Codes that mean "this directory refuses writes"; root ignores mode bits, so EROFS is the usual one.
const NOT_WRITABLE = new Set(["EROFS", "EACCES", "EPERM"]);

/**
 * Proves that each directory takes writes by creating it if missing, then creating, syncing and
 * removing a small file in it: mode bits say nothing for root, and a read-only mount only shows on
 * a real write. Throws
 * `DatasetNotWritableError` (read-only, permissions) or `DiskFullError` (no space left).
 */
export async function probeWritable(p: {
  readonly dir: string;
  readonly probe: readonly string[];
  readonly version: number;
}): Promise<void> {
  for (const target of p.probe) {
    const file = path.join(target, `.cexdata-probe-${process.pid}.tmp`);
    try {
      await mkdir(target, { recursive: true });
      const handle = await open(file, "w");
      try {
        await handle.writeFile("probe");
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await rm(file, { force: true }).catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined && NOT_WRITABLE.has(code))
        throw new DatasetNotWritableError(p.dir, target, code, { cause: error });
      throw mapDiskFullError({ error, dir: p.dir, writing: `a probe file in ${target}`, version: p.version });
    }
    await rm(file, { force: true });
  }
}
