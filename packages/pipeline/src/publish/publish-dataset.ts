import { openAsBlob } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { commit, HubApiError, type CommitOperation } from "@huggingface/hub";
import { createLogger, scrubSecrets, type Logger } from "../log/create-logger.js";
import { summarizeCoverage } from "./coverage-summary.js";
import { renderDatasetCard } from "./dataset-card.js";
import { PublishError } from "./errors.js";
import { ensureDatasetRepo, readHubState, type HubParams, type HubState } from "./hub-state.js";
import { readVerifiedDataset, type LocalDataset } from "./local-dataset.js";
import { planPublish, sameTables, type PublishPlan } from "./plan-publish.js";

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
  /**
   * Attempts in all: when another publisher moves the branch head in between (re-read and merge), and
   * on transient Hub failures (5xx, 429, dropped connections; with exponential backoff). Default 4.
   */
  readonly maxAttempts?: number;
  /** First backoff delay after a transient failure, doubled each time. Default 2000 ms. */
  readonly retryDelayMs?: number;
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
  const scrub = (text: string) => scrubSecrets(text).split(accessToken).join("[redacted]");
  const fail = (cause: unknown): never => {
    if (cause instanceof PublishError) throw cause;
    const text = scrub(messageOf(cause));
    throw new PublishError(
      "hub",
      `publishing to ${params.repo} failed; the Hub keeps its previous version: ${text}`,
      {
        cause,
      },
    );
  };
  const retryDelayMs = params.retryDelayMs ?? 2_000;

  const local = await readVerifiedDataset(params.datasetDir);
  const coverage = await summarizeCoverage(local.dir, local.spec);
  await writeFile(
    path.join(local.dir, "README.md"),
    renderDatasetCard({ spec: local.spec, repo: params.repo, coverage }),
  );
  log.info(
    { version: local.spec.version, files: local.files.size, absent: local.missing.size },
    "local dataset verified",
  );

  let base: HubState | undefined;
  // A commit call that failed without an answer may still have landed (the response was lost).
  const pending: { unanswered: { parent: string | null; plan: PublishPlan } | null } = { unanswered: null };
  const landed = async (): Promise<string | null> => {
    if (!pending.unanswered) return null;
    const state = await readHubState(hub).catch(() => null);
    const ok =
      state?.spec &&
      state.head !== pending.unanswered.parent &&
      sameTables(state.spec, pending.unanswered.plan.spec);
    return ok ? state.head : null;
  };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      if (attempt === 1 && (await ensureDatasetRepo(hub))) log.info("created the dataset repo");
      const state = await readHubState(hub);
      base ??= state;
      const plan = planPublish({ local: local.spec, hub: state, ...(attempt > 1 && { base }), now: now() });
      const absent = plan.uploads.filter((p) => local.missing.has(p));
      if (absent.length > 0) {
        throw new PublishError(
          "local-dataset",
          `${absent.join(", ")} listed in spec.json but missing locally, and the Hub does not hold that exact file`,
        );
      }
      const card = renderDatasetCard({ spec: plan.spec, repo: params.repo, coverage });
      const result = {
        parent: state.head,
        version: plan.spec.version,
        merged: plan.merged,
        attempts: attempt,
      };
      if (!plan.specChanged && state.readme === card) {
        if (pending.unanswered && state.head !== pending.unanswered.parent) {
          log.info(
            { commit: state.head, version: plan.spec.version },
            "published (the earlier commit had landed)",
          );
          const { uploads, deletes } = pending.unanswered.plan;
          return {
            ...result,
            parent: pending.unanswered.parent,
            commit: state.head,
            uploaded: uploads,
            deleted: deletes,
          };
        }
        log.info({ version: plan.spec.version, head: state.head }, "the Hub already holds this dataset");
        return { ...result, commit: null, uploaded: [], deleted: [] };
      }
      pending.unanswered = null;
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
        if (isStaleParent(error)) {
          log.warn(
            { attempt, parent: state.head },
            "another publisher moved the branch head; re-reading and retrying",
          );
          continue;
        }
        if (isCommitCall(error)) pending.unanswered = { parent: state.head, plan };
        throw error;
      }
    } catch (error) {
      if (error instanceof PublishError || !isTransient(error) || attempt === maxAttempts) {
        const head = await landed();
        if (head !== null) {
          log.info({ commit: head }, "published (the commit landed; its answer was lost)");
          const { plan, parent } = pending.unanswered!;
          const uploaded = plan.uploads;
          return {
            commit: head,
            parent,
            version: plan.spec.version,
            uploaded,
            deleted: plan.deletes,
            merged: plan.merged,
            attempts: attempt,
          };
        }
        return fail(error);
      }
      const delayMs = retryDelayMs * 2 ** (attempt - 1);
      log.warn({ attempt, delayMs, error: scrub(messageOf(error)) }, "transient Hub failure; retrying");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  throw new PublishError(
    "retries-exhausted",
    `the branch head of ${params.repo} kept moving during ${maxAttempts} attempts; the Hub is unchanged by this run`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Worth another attempt: the Hub's 5xx, 429 and 408, and connections that failed or dropped. */
function isTransient(error: unknown): boolean {
  if (error instanceof HubApiError)
    return error.statusCode >= 500 || error.statusCode === 429 || error.statusCode === 408;
  return (
    error instanceof TypeError &&
    /fetch failed|terminated|socket|ECONNRESET|other side closed/i.test(error.message)
  );
}

/** Whether an error came from the commit call itself (after which the commit may have been applied). */
function isCommitCall(error: unknown): boolean {
  if (error instanceof HubApiError) return /\/commit\//.test(error.url);
  return error instanceof TypeError;
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
