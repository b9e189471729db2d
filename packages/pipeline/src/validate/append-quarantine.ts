import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import type { RejectedRow } from "./validate-rows.js";

export class InvalidRunIdError extends Error {
  override readonly name = "InvalidRunIdError";
  constructor(readonly runId: string) {
    super(
      `run id ${JSON.stringify(runId)} must be 1-128 characters of [A-Za-z0-9._-], not starting with '.'`,
    );
  }
}

const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Where a run's rejected rows go: `<datasetDir>/quarantine/<runId>.jsonl`. Never published. */
export function quarantinePath(datasetDir: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new InvalidRunIdError(runId);
  return path.join(datasetDir, "quarantine", `${runId}.jsonl`);
}

/**
 * Appends rejected rows to the run's quarantine file, one JSON object per line:
 * `{"reason", "detail", "source", "row"}`. Non-finite numbers are written as strings ("NaN") so the
 * offending value survives JSON. Returns the file path; writes nothing when `rejected` is empty.
 */
export async function appendQuarantine(
  datasetDir: string,
  runId: string,
  rejected: readonly RejectedRow[],
): Promise<string> {
  const file = quarantinePath(datasetDir, runId);
  if (rejected.length === 0) return file;
  await mkdir(path.dirname(file), { recursive: true });
  const lines = rejected.map(
    (r) =>
      JSON.stringify(
        { reason: r.reason, detail: r.detail, source: r.source, row: r.row },
        (_k, v: unknown) =>
          typeof v === "number" && !Number.isFinite(v) ? String(v) : typeof v === "bigint" ? v.toString() : v,
      ) + "\n",
  );
  const handle = await open(file, "a");
  try {
    await handle.writeFile(lines.join(""));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return file;
}
