import { commit, HubApiError, type CommitOperation } from "@huggingface/hub";
import type { Logger } from "../log/create-logger.js";
import { datasetRepo, type HubParams } from "./hub-state.js";
import type { PlannedCommit } from "./plan-commits.js";

export interface CommitContent {
  /** The bytes of a data file to upload. */
  readonly blobOf: (path: string) => Promise<Blob>;
  /** spec.json's bytes when the spec commit writes it; null when only the card changed. */
  readonly specBytes: Uint8Array | null;
  /** README.md when the spec commit writes it; null when unchanged. */
  readonly card: string | null;
  readonly version: number;
}

/** The branch head moved under us (the Hub's 412; 409 on some concurrent-commit paths). */
export class StaleHeadError extends Error {
  override readonly name = "StaleHeadError";
}

/** A commit call that failed without an answer: it may have landed. */
export class UnansweredCommitError extends Error {
  override readonly name = "UnansweredCommitError";
  constructor(
    readonly planned: PlannedCommit,
    options: { cause: unknown },
  ) {
    super(`the commit call got no answer: ${String(options.cause)}`, options);
  }
}

/**
 * Makes the planned commits one after another, each on top of the previous one (`parentCommit`), so
 * a concurrent writer makes the next commit fail instead of interleaving. Returns the commit ids.
 * `onCommitted` is told of each commit as it lands (a run killed later still logged what it did).
 */
export async function runCommits(p: {
  hub: HubParams;
  head: string | null;
  commits: readonly PlannedCommit[];
  content: CommitContent;
  log: Logger;
}): Promise<string[]> {
  const made: string[] = [];
  let head = p.head;
  for (const [index, planned] of p.commits.entries()) {
    const title = titleOf(planned, index, p.commits.length, p.content.version);
    let out;
    try {
      out = await commit({
        ...p.hub,
        repo: datasetRepo(p.hub.repo),
        title,
        description: `Uploaded: ${planned.uploads.length}, deleted: ${planned.deletes.length}.`,
        operations: await operationsOf(planned, p.content),
        ...(head !== null && { parentCommit: head }),
      });
    } catch (error) {
      if (error instanceof HubApiError && (error.statusCode === 412 || error.statusCode === 409)) {
        throw new StaleHeadError(`the branch head moved from ${head}`, { cause: error });
      }
      if (isCommitCall(error)) throw new UnansweredCommitError(planned, { cause: error });
      throw error;
    }
    head = out?.commit.oid ?? head;
    if (head !== null) made.push(head);
    p.log.info({ commit: head, title, uploads: planned.uploads.length }, "committed");
  }
  return made;
}

/** Whether an error came from the commit call itself (after which the commit may have been applied). */
function isCommitCall(error: unknown): boolean {
  if (error instanceof HubApiError) return /\/commit\//.test(error.url) && error.statusCode >= 500;
  return error instanceof TypeError;
}

function titleOf(planned: PlannedCommit, index: number, total: number, version: number): string {
  const part = total > 1 ? ` (${index + 1}/${total})` : "";
  if (planned.publishesSpec) {
    return `cexdata v${version}: spec.json, ${planned.uploads.length} files, ${planned.deletes.length} removed${part}`;
  }
  if (planned.uploads.length > 0) return `cexdata v${version}: ${planned.uploads.length} data files${part}`;
  return `cexdata v${version}: remove ${planned.deletes.length} files no spec lists${part}`;
}

async function operationsOf(planned: PlannedCommit, content: CommitContent): Promise<CommitOperation[]> {
  const ops: CommitOperation[] = [];
  for (const p of planned.uploads)
    ops.push({ operation: "addOrUpdate", path: p, content: await content.blobOf(p) });
  if (planned.publishesSpec) {
    if (content.specBytes) {
      ops.push({ operation: "addOrUpdate", path: "spec.json", content: new Blob([content.specBytes]) });
    }
    if (content.card !== null) {
      ops.push({ operation: "addOrUpdate", path: "README.md", content: new Blob([content.card]) });
    }
  }
  for (const p of planned.deletes) ops.push({ operation: "delete", path: p });
  return ops;
}
