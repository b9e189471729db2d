import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseDatasetSpec, type DatasetSpec, type SpecFile } from "@cexdata/schema";
import { hashFile } from "./fs-atomic.js";
import { LocalDatasetError } from "./local-dataset-error.js";

/** Listed files checked at once by `readVerifiedDataset`. */
const CHECKS_IN_FLIGHT = 8;

export interface LocalDataset {
  readonly dir: string;
  readonly spec: DatasetSpec;
  /** spec.json exactly as stored, so an unchanged spec is uploaded byte for byte. */
  readonly specBytes: Uint8Array;
  /** Every file spec.json lists, by dataset path. */
  readonly files: ReadonlyMap<string, SpecFile>;
  /**
   * Listed files absent from disk: a dataset seeded with only the partitions a run touches. Publishing
   * accepts them only where the Hub already holds that exact file (same path and sha256).
   */
  readonly missing: ReadonlySet<string>;
}

/** Every file a spec lists, keyed by its path. */
export function filesOf(spec: DatasetSpec): Map<string, SpecFile> {
  const files = new Map<string, SpecFile>();
  for (const table of Object.values(spec.tables)) for (const f of table?.files ?? []) files.set(f.path, f);
  return files;
}

/**
 * Reads `<dir>/spec.json` and checks every file it lists that is present (size and sha256), so nothing
 * unverified ever leaves the machine. quarantine/ and runs/ are never looked at: they are not published.
 */
export async function readVerifiedDataset(dir: string): Promise<LocalDataset> {
  let specBytes: Uint8Array;
  let spec: DatasetSpec;
  try {
    specBytes = await readFile(path.join(dir, "spec.json"));
    spec = parseDatasetSpec(JSON.parse(new TextDecoder().decode(specBytes)));
  } catch (cause) {
    throw new LocalDatasetError(`cannot read ${path.join(dir, "spec.json")}: ${String(cause)}`, {
      cause,
    });
  }
  const files = filesOf(spec);
  const listed = [...files.values()];
  // A few files in flight: each check is an open, a stat, a read and a close, and one at a time the
  // round trips, not the hashing, took most of a 2,000-file publish's check.
  const found = new Array<{ size: number | null; sha256: string | null }>(listed.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < listed.length; i = next++) {
      const file = listed[i]!;
      // Hashed whatever its size (a file of the wrong size is rare): a stat first was one more round
      // trip per file. Absent is absent; any other failure to read is thrown as it is.
      const checked = await hashFile(path.join(dir, file.path)).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      });
      found[i] = { size: checked?.bytes ?? null, sha256: checked?.sha256 ?? null };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_IN_FLIGHT, listed.length) }, worker));
  // Problems are reported in spec order, whichever check finished first.
  const missing = new Set<string>();
  for (const [i, file] of listed.entries()) {
    const { size, sha256 } = found[i]!;
    if (size === null) {
      missing.add(file.path);
      continue;
    }
    if (size !== file.bytes) {
      throw new LocalDatasetError(`${file.path} has ${size} bytes, spec.json says ${file.bytes}`);
    }
    if (sha256 !== file.sha256) {
      throw new LocalDatasetError(`${file.path} has sha256 ${sha256}, spec.json says ${file.sha256}`);
    }
  }
  return { dir, spec, specBytes, files, missing };
}
