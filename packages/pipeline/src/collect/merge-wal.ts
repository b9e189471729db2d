import type { SpecCoverage } from "@cexdata/schema";
import type { Logger } from "pino";
import { newRunId } from "../report/run-id.js";
import { openDatasetStore } from "../store/index.js";
import { updateCoverage } from "../coverage/update-coverage.js";
import { emptyCounts, ingestRows, storeSink } from "../ingest/index.js";
import { computeCoverage } from "./coverage-windows.js";
import { listWalFiles, readWalRecords, removeWalFiles, type WalRecord } from "./write-ahead-log.js";

export interface MergeWalResult {
  readonly files: number;
  readonly rows: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly coverage: SpecCoverage[];
  readonly version: number;
}

/**
 * Moves logged liquidations into the dataset exactly like any other store write: validated,
 * staged (idempotent on the primary key, so a replayed log adds nothing twice), committed with the
 * coverage windows; only then are the merged log files deleted.
 * `includeActive`: also merge an active log left by a dead collector (never the live one's).
 */
export async function mergeWalIntoDataset(p: {
  datasetDir: string;
  includeActive?: boolean;
  runId?: string;
  nowMs?: () => number;
  logger?: Logger;
}): Promise<MergeWalResult> {
  const files = await listWalFiles(p.datasetDir, p.includeActive ?? false);
  const records: WalRecord[] = [];
  for (const file of files) {
    const { records: read, torn } = await readWalRecords(file);
    if (torn > 0) p.logger?.warn({ file, torn }, "skipped torn lines in the liquidation log");
    records.push(...read);
  }
  const rows = records.flatMap((r) => (r.t === "row" ? [r.row] : []));
  const coverage = computeCoverage(records);
  const nowMs = p.nowMs ?? Date.now;
  const runId = p.runId ?? `collect-${newRunId(nowMs())}`;
  const counts = emptyCounts();
  let version = 0;
  if (files.length > 0) {
    const store = await openDatasetStore({ dir: p.datasetDir, nowMs });
    try {
      await ingestRows({
        table: "liquidations",
        source: "ws",
        nowMs: nowMs(),
        input: { rows },
        sink: storeSink(store, { datasetDir: p.datasetDir, runId }),
        counts,
      });
      if (coverage.length > 0) store.addCoverage("liquidations", coverage);
      await store.commit();
      // The coverage table of the days these events fell on, counted from what is now stored.
      await updateCoverage({ store, runId, nowMs: nowMs() });
      version = (await store.commit()).version;
    } finally {
      await store.close();
    }
    await removeWalFiles(files);
  }
  const result = {
    files: files.length,
    rows: rows.length,
    accepted: counts.accepted,
    quarantined: Object.values(counts.quarantined).reduce((a, b) => a + b, 0),
    coverage,
    version,
  };
  p.logger?.info({ ...result, coverage: coverage.length }, "merged the liquidation log into the dataset");
  return result;
}
