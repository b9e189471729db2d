import { openAsBlob } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { commit, HubApiError, type CommitOperation } from "@huggingface/hub";
import { createLogger, scrubSecrets, type Logger } from "../log/create-logger.js";
import { renderDatasetCard } from "./dataset-card.js";
import { PublishError } from "./errors.js";
import { ensureDatasetRepo, readHubState, type HubParams, type HubState } from "./hub-state.js";
import { readVerifiedDataset, type LocalDataset } from "./local-dataset.js";
import { planPublish, type PublishPlan } from "./plan-publish.js";

export interface PublishDatasetParams {
  /** The local dataset: spec.json and data/ (quarantine/ and runs/ are never published). */
  readonly datasetDir: string;
  /** `<org>/<name>` of the Hub dataset. */
  readonly repo: string;
  /** Hub write token; `HF_TOKEN` by default. Never logged, never put in an error message. */
  readonly accessToken?: string;
  /** Hub base URL; `HF_ENDPOINT` by default, else huggingface.co. */
  readonly hubUrl?: string;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  /** Commit attempts when another publisher moves the branch head in between. Default 4. */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

export interface PublishResult {
  /** The new commit, or null when the Hub already held this dataset. */
  readonly commit: string | null;
  /** The commit the new one was made on (the head that was compared against). */
  readonly parent: string | null;
  readonly version: number;
  readonly uploaded: readonly string[];
  readonly deleted: readonly string[];
  /** True when another publisher's files were merged into the published spec.json. */
  readonly merged: boolean;
  readonly attempts: number;
}

/**
 * Publishes a verified local dataset as ONE Hub commit on top of the head it compared against
 * (`parentCommit`): changed Parquet files, spec.json and the dataset card land together or not at all.
 */
export async function publishDataset(params: PublishDatasetParams): Promise<PublishResult> {
  const accessToken = params.accessToken ?? process.env.HF_TOKEN;
  if (!accessToken) throw new PublishError("hub", "HF_TOKEN is not set: publishing needs a Hub write token");
  const hubUrl = params.hubUrl ?? (process.env.HF_ENDPOINT || undefined);
  const hub: HubParams = {
    repo: params.repo,
    accessToken,
    ...(hubUrl !== undefined && { hubUrl: hubUrl.replace(/\/+$/, "") }),
    ...(params.fetch !== undefined && { fetch: params.fetch }),
  };
  const log = (params.logger ?? createLogger()).child({ stage: "publish", repo: params.repo });
  const now = params.now ?? (() => new Date());
  const maxAttempts = Math.max(1, params.maxAttempts ?? 4);
  const fail = (cause: unknown): never => {
    if (cause instanceof PublishError) throw cause;
    const text = scrubSecrets(cause instanceof Error ? cause.message : String(cause))
      .split(accessToken)
      .join("[redacted]");
    throw new PublishError("hub", `publishing to ${params.repo} failed, the Hub is unchanged: ${text}`, {
      cause,
    });
  };

  const local = await readVerifiedDataset(params.datasetDir);
  await writeFile(
    path.join(local.dir, "README.md"),
    renderDatasetCard({ spec: local.spec, repo: params.repo }),
  );
  log.info(
    { version: local.spec.version, files: local.files.size, absent: local.missing.size },
    "local dataset verified",
  );

  let base: HubState | undefined;
  try {
    if (await ensureDatasetRepo(hub)) log.info("created the dataset repo");
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const state = await readHubState(hub);
      base ??= state;
      const plan = planPublish({
        local: local.spec,
        hub: state,
        ...(attempt > 1 && { base }),
        now: now(),
      });
      const absent = plan.uploads.filter((p) => local.missing.has(p));
      if (absent.length > 0) {
        throw new PublishError(
          "local-dataset",
          `${absent.join(", ")} listed in spec.json but missing locally, and the Hub does not hold that exact file`,
        );
      }
      const card = renderDatasetCard({ spec: plan.spec, repo: params.repo });
      const result = {
        parent: state.head,
        version: plan.spec.version,
        merged: plan.merged,
        attempts: attempt,
      };
      if (!plan.specChanged && state.readme === card) {
        log.info({ version: plan.spec.version, head: state.head }, "the Hub already holds this dataset");
        return { ...result, commit: null, uploaded: [], deleted: [] };
      }
      log.info(
        {
          attempt,
          parent: state.head,
          version: plan.spec.version,
          uploads: plan.uploads.length,
          deletes: plan.deletes.length,
          merged: plan.merged,
        },
        "committing",
      );
      try {
        const out = await commit({
          ...hub,
          repo: { type: "dataset", name: hub.repo },
          title: commitTitle(plan),
          description: `Uploaded: ${plan.uploads.length}, deleted: ${plan.deletes.length}.`,
          operations: await operationsOf(plan, local, card, state.readme !== card),
          ...(state.head !== null && { parentCommit: state.head }),
        });
        const oid = out?.commit.oid ?? null;
        log.info({ commit: oid, version: plan.spec.version }, "published");
        return { ...result, commit: oid, uploaded: plan.uploads, deleted: plan.deletes };
      } catch (error) {
        if (!isStaleParent(error)) throw error;
        log.warn(
          { attempt, parent: state.head },
          "another publisher moved the branch head; re-reading and retrying",
        );
      }
    }
  } catch (error) {
    return fail(error);
  }
  throw new PublishError(
    "retries-exhausted",
    `the branch head of ${params.repo} kept moving during ${maxAttempts} attempts; the Hub is unchanged by this run`,
  );
}

/** The Hub answers 412 when `parentCommit` is no longer the head (409 on some concurrent-commit paths). */
function isStaleParent(error: unknown): boolean {
  return error instanceof HubApiError && (error.statusCode === 412 || error.statusCode === 409);
}

function commitTitle(plan: PublishPlan): string {
  const what = plan.specChanged
    ? `${plan.uploads.length} files changed, ${plan.deletes.length} removed`
    : "dataset card";
  return `cexdata v${plan.spec.version}: ${what}${plan.merged ? " (merged)" : ""}`;
}

async function operationsOf(
  plan: PublishPlan,
  local: LocalDataset,
  card: string,
  cardChanged: boolean,
): Promise<CommitOperation[]> {
  const ops: CommitOperation[] = [];
  for (const p of plan.uploads) {
    // Only paths of the verified local spec reach here; spec paths cannot escape the dataset dir.
    ops.push({ operation: "addOrUpdate", path: p, content: await openAsBlob(path.join(local.dir, p)) });
  }
  if (plan.specChanged) {
    const bytes = plan.specIsLocal
      ? local.specBytes
      : new TextEncoder().encode(JSON.stringify(plan.spec, null, 2) + "\n");
    ops.push({ operation: "addOrUpdate", path: "spec.json", content: new Blob([bytes]) });
  }
  if (cardChanged) ops.push({ operation: "addOrUpdate", path: "README.md", content: new Blob([card]) });
  for (const p of plan.deletes) ops.push({ operation: "delete", path: p });
  return ops;
}
