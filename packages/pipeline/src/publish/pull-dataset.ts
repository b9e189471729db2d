import { mkdir } from "node:fs/promises";
import { downloadFile } from "@huggingface/hub";
import { compactedPartitionPath, partitionTimeRange, type DatasetSpec, type SpecFile } from "@cexdata/schema";
import { PublishError } from "./errors.js";
import { specCommitAt } from "./hub-refs.js";
import { hubArgs, hubParamsFrom, readHubState } from "./hub-state.js";
import { LocalDatasetError } from "../store/local-dataset-error.js";
import { filesOf } from "../store/read-local-dataset.js";
import { writePulledFile, writePulledSpec } from "../store/write-pulled-files.js";

export interface PullDatasetParams {
  readonly repo: string;
  /** Where to write spec.json and the chosen files (created if missing). */
  readonly datasetDir: string;
  /** Which listed files to download; the others stay listed in spec.json but absent. Default: all. */
  readonly include?: (file: SpecFile) => boolean;
  /** Optional for a public dataset; `HF_TOKEN` by default. */
  readonly accessToken?: string;
  readonly hubUrl?: string;
  readonly fetch?: typeof fetch;
}

export interface PullDatasetResult {
  /** The commit everything was read at (null: the repo has no commit, nothing pulled). */
  readonly revision: string | null;
  readonly spec: DatasetSpec | null;
  readonly downloaded: readonly string[];
}

/**
 * Seeds a local dataset dir from the Hub's head: spec.json and, at the commit that wrote it (a publish
 * in progress may already have rewritten files at the head), the files `include` picks (each
 * checked against its sha256), so a run can resume from the stored watermarks and rewrite only the
 * partitions it touches. The files left out stay listed; publishing accepts them as unchanged.
 */
export async function pullDataset(params: PullDatasetParams): Promise<PullDatasetResult> {
  const hub = hubParamsFrom(params);

  const head = await readHubState(hub);
  if (head.head === null || head.spec === null) return { revision: head.head, spec: null, downloaded: [] };
  // Files are read where spec.json was written: a publish in progress may have rewritten some at the head.
  const state = { spec: head.spec, head: await specCommitAt(hub, head.head) };
  await mkdir(params.datasetDir, { recursive: true });
  const downloaded: string[] = [];
  for (const file of filesOf(state.spec).values()) {
    if (params.include && !params.include(file)) continue;
    const blob = await downloadFile({
      ...hubArgs(hub),
      path: file.path,
      revision: state.head,
    });
    if (!blob)
      throw new PublishError(
        "hub",
        `${file.path} is listed in the Hub's spec.json but missing at ${state.head}`,
      );
    try {
      await writePulledFile(params.datasetDir, file, new Uint8Array(await blob.arrayBuffer()));
    } catch (cause) {
      if (!(cause instanceof LocalDatasetError)) throw cause;
      throw new PublishError("hub", cause.message, { cause });
    }
    downloaded.push(file.path);
  }
  await writePulledSpec(params.datasetDir, state.spec);
  return { revision: state.head, spec: state.spec, downloaded };
}

/**
 * Files a run may rewrite: every file of an unbounded partition (a yearly table's `all` file
 * too: a late row of a closed year is merged into it), time partitions ending after `sinceMs`, and,
 * given the run's clock `nowMs`, the files of a closed year not yet compacted (`compactClosedYears`:
 * the run's first commit rewrites them into the year's or the `all` file, which needs every one).
 */
export function recentPartitions(sinceMs: number, nowMs?: number): (file: SpecFile) => boolean {
  return (file) =>
    partitionTimeRange(file.path).endMs > sinceMs ||
    (nowMs !== undefined && compactedPartitionPath(file.path, nowMs) !== file.path);
}
