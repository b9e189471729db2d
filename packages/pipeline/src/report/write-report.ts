import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunReport } from "./run-report.js";

/** Writes `<datasetDir>/runs/<run-id>.json` (temp file + rename); returns its path. */
export async function writeRunReport(datasetDir: string, report: RunReport): Promise<string> {
  const dir = path.join(datasetDir, "runs");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${report.runId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    // A full disk leaves a partial file: do not let it keep the space (or look like a report).
    await rm(tmp, { force: true });
    throw error;
  }
  await rename(tmp, file);
  return file;
}
