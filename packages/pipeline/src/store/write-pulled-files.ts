import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DatasetSpec, SpecFile } from "@cexdata/schema";
import { LocalDatasetError } from "./local-dataset-error.js";
import { hashFile } from "./fs-atomic.js";

/**
 * Stores one file pulled from the Hub into a dataset dir: written beside its place, checked against
 * the sha256 its spec.json lists, then renamed into place, so a half-written or wrong file is never
 * taken for the real one.
 */
export async function writePulledFile(datasetDir: string, file: SpecFile, bytes: Uint8Array): Promise<void> {
  const target = path.join(datasetDir, file.path);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.part`;
  await writeFile(temp, bytes);
  const { sha256: sha } = await hashFile(temp);
  if (sha !== file.sha256) {
    throw new LocalDatasetError(
      `${file.path} from the Hub has sha256 ${sha}, its spec.json says ${file.sha256}`,
    );
  }
  await rename(temp, target);
}

/** Writes the pulled spec.json last, once every file it lists that was pulled is in place. */
export async function writePulledSpec(datasetDir: string, spec: DatasetSpec): Promise<void> {
  await writeFile(path.join(datasetDir, "spec.json"), JSON.stringify(spec, null, 2) + "\n");
}
