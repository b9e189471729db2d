import { openAsBlob } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { HubApiError } from "@huggingface/hub";
import { createLogger, scrubSecrets, type Logger } from "../log/create-logger.js";
import { checkLayout, HUB_LAYOUT_LIMITS, type LayoutLimits } from "./check-layout.js";
import { summarizeCoverage } from "./coverage-summary.js";
import { renderDatasetCard } from "./dataset-card.js";
import { PublishError } from "./errors.js";
import { finishPublish } from "./finish-publish.js";
import { lfsShasAt, specCommitAt } from "./hub-refs.js";
import { ensureDatasetRepo, readBlob, readHubState, writingHubParams, type HubState } from "./hub-state.js";
import { LocalDatasetError } from "../store/local-dataset-error.js";
import { filesOf, readVerifiedDataset } from "../store/read-local-dataset.js";
import { planCommits } from "./plan-commits.js";
import { planPublish, type PublishPlan } from "./plan-publish.js";
import { runCommits, StaleHeadError, UnansweredCommitError } from "./run-commits.js";

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
  /** Operations (file adds and deletes) per commit; the Hub recommends under 100 files. Default 100. */
  readonly maxOperationsPerCommit?: number;
  /** The Hub's recommended files per repo and entries per folder; a layout reaching them is refused. */
  readonly layoutLimits?: LayoutLimits;
  readonly now?: () => Date;
}

export interface PublishResult {
  /** The last commit this run made (the Hub's head after it), or null when it made none. */
  readonly commit: string | null;
  /** The commit the run's first commit was made on (the head that was compared against). */
  readonly parent: string | null;
  readonly version: number;
  /** Data files this run committed (not those an interrupted run had already committed). */
  readonly uploaded: readonly string[];
  readonly deleted: readonly string[];
  /** True when another publisher's files were merged into the published spec.json. */
  readonly merged: boolean;
  readonly attempts: number;
  /** Every commit this run made, oldest first (batches of data files, the spec commit, deletions). */
  readonly commits: readonly string[];
  /** The version tag (`v<version>`) the Hub holds for this version after the run. */
  readonly tag: string;
}

/**
 * Publishes a verified local dataset in commits of at most `maxOperationsPerCommit` operations: data
 * files first, spec.json and the card in the last commit (the one readers switch on), deletions in or
 * after it; then tags the version `v<version>`. A run that stopped halfway is resumed by the next:
 * files the Hub already holds with the same sha256 are not uploaded again.
 */
export async function publishDataset(params: PublishDatasetParams): Promise<PublishResult> {
  const hub = writingHubParams(params, "publishing");
  const log = (params.logger ?? createLogger()).child({ stage: "publish", repo: params.repo });
  const now = params.now ?? (() => new Date());
  const maxAttempts = Math.max(1, params.maxAttempts ?? 4);
  const maxOperations = params.maxOperationsPerCommit ?? 100;
  const limits = params.layoutLimits ?? HUB_LAYOUT_LIMITS;
  const scrub = (text: string) => scrubSecrets(text).split(hub.accessToken).join("[redacted]");
  const retryDelayMs = params.retryDelayMs ?? 2_000;

  const local = await readVerifiedDataset(params.datasetDir).catch((cause: unknown) => {
    if (!(cause instanceof LocalDatasetError)) throw cause;
    throw new PublishError("local-dataset", cause.message, { cause });
  });
  const layout = checkLayout(local.spec, limits);
  const coverage = await summarizeCoverage(local.dir, local.spec);
  await writeFile(
    path.join(local.dir, "README.md"),
    renderDatasetCard({ spec: local.spec, repo: params.repo, coverage }),
  );
  log.info(
    {
      version: local.spec.version,
      files: local.files.size,
      absent: local.missing.size,
      fullestFolder: layout.fullestFolder,
      fullestFolderEntries: layout.fullestFolderEntries,
    },
    "local dataset verified",
  );

  let base: HubState | undefined;
  // The spec commit's call failed without an answer; it may have landed (the response was lost).
  const pending: { unanswered: { parent: string | null; plan: PublishPlan } | null } = { unanswered: null };
  const made: string[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let state: HubState | undefined;
    let plan: PublishPlan | undefined;
    try {
      if (attempt === 1 && (await ensureDatasetRepo(hub))) log.info("created the dataset repo");
      state = await readHubState(hub);
      base ??= state;
      plan = planPublish({ local: local.spec, hub: state, ...(attempt > 1 && { base }), now: now() });
      const absent = plan.uploads.filter((p) => local.missing.has(p));
      if (absent.length > 0) {
        throw new PublishError(
          "local-dataset",
          `${absent.join(", ")} listed in spec.json but missing locally, and the Hub does not hold that exact file`,
        );
      }
      if (plan.merged) checkLayout(plan.spec, limits);
      const card = renderDatasetCard({ spec: plan.spec, repo: params.repo, coverage });
      const result = { version: plan.spec.version, merged: plan.merged, attempts: attempt };
      if (!plan.specChanged && state.readme === card) {
        // The Hub holds this spec: finish a publish that stopped after its spec commit, if one did.
        const finish = await finishPublish({ hub, spec: plan.spec, head: state.head!, maxOperations, log });
        made.push(...finish.commits);
        const { unanswered } = pending;
        const landed = unanswered !== null && state.head !== unanswered.parent ? unanswered : null;
        if (landed)
          log.info({ commit: state.head }, "published (the spec commit had landed; its answer was lost)");
        else if (made.length === 0)
          log.info({ version: plan.spec.version }, "the Hub already holds this dataset");
        return {
          ...result,
          parent: landed ? landed.parent : state.head,
          commit: made.at(-1) ?? (landed ? state.head : null),
          uploaded: landed ? landed.plan.uploads : [],
          deleted: [...(landed?.plan.deletes ?? []), ...finish.deleted],
          commits: made,
          tag: finish.tag,
        };
      }
      pending.unanswered = null;
      // Resume: files an interrupted run already committed with the same content are not sent again.
      // When commits followed the Hub's spec.json commit (an unfinished publish's data batches), every
      // listed file is checked, and one such a batch rewrote is put back, so this version is whole.
      const wanted = filesOf(plan.spec);
      const specCommit = state.head !== null && state.spec ? await specCommitAt(hub, state.head) : state.head;
      const checked = specCommit === state.head ? plan.uploads : [...wanted.keys()];
      const there = state.head === null ? new Map() : await lfsShasAt(hub, state.head, checked);
      const uploads = checked.filter((p) => there.get(p) !== wanted.get(p)?.sha256);
      const changed = new Set(plan.uploads);
      // A listed file the plan leaves unchanged is the one at the spec's commit: taken from there when
      // it is not on disk (a pulled dataset holds only recent partitions).
      const restoreFrom = (p: string) => (!changed.has(p) && local.missing.has(p) ? specCommit : null);
      const cardChanged = state.readme !== card;
      const commits = planCommits({
        uploads,
        deletes: plan.deletes,
        specOperations: (plan.specChanged ? 1 : 0) + (cardChanged ? 1 : 0),
        maxOperations,
      });
      log.info(
        {
          attempt,
          parent: state.head,
          version: plan.spec.version,
          uploads: uploads.length,
          alreadyThere: plan.uploads.filter((p) => !uploads.includes(p)).length,
          putBack: uploads.filter((p) => !changed.has(p)).length,
          deletes: plan.deletes.length,
          commits: commits.length,
          merged: plan.merged,
        },
        "committing",
      );
      const specBytes = !plan.specChanged
        ? null
        : plan.specIsLocal
          ? local.specBytes
          : new TextEncoder().encode(JSON.stringify(plan.spec, null, 2) + "\n");
      const content = {
        blobOf: async (p: string): Promise<Blob> => {
          const revision = restoreFrom(p);
          // Only paths of the verified local spec reach here; spec paths cannot escape the dataset dir.
          return revision === null ? openAsBlob(path.join(local.dir, p)) : readBlob(hub, p, revision);
        },
        specBytes,
        card: cardChanged ? card : null,
        version: plan.spec.version,
      };
      const ids = await runCommits({ hub, head: state.head, commits, content, log }).catch(
        (error: unknown) => {
          if (error instanceof UnansweredCommitError && error.planned.publishesSpec)
            pending.unanswered = { parent: state!.head, plan: plan! };
          throw error;
        },
      );
      made.push(...ids);
      const finish = await finishPublish({
        hub,
        spec: plan.spec,
        head: ids.at(-1)!,
        maxOperations,
        log,
        sweep: state.spec === null || specCommit !== state.head,
      });
      log.info({ commit: ids.at(-1), version: plan.spec.version, commits: ids.length }, "published");
      return {
        ...result,
        parent: state.head,
        commit: ids.at(-1) ?? null,
        uploaded: uploads,
        deleted: plan.deletes,
        commits: made,
        tag: finish.tag,
      };
    } catch (caught) {
      const error = caught instanceof UnansweredCommitError ? caught.cause : caught;
      if (caught instanceof StaleHeadError) {
        log.warn(
          { attempt, parent: state?.head },
          "another publisher moved the branch head; re-reading and retrying",
        );
        continue;
      }
      if (error instanceof PublishError) throw error;
      if (!isTransient(error) || attempt === maxAttempts) {
        throw new PublishError(
          "hub",
          `publishing to ${params.repo} failed; readers still see the version they saw before, ` +
            `and the next publish resumes from what the Hub holds: ${scrub(messageOf(error))}`,
          { cause: error },
        );
      }
      const delayMs = retryDelayMs * 2 ** (attempt - 1);
      log.warn({ attempt, delayMs, error: scrub(messageOf(error)) }, "transient Hub failure; retrying");
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  throw new PublishError(
    "retries-exhausted",
    `the branch head of ${params.repo} kept moving during ${maxAttempts} attempts; readers still see its previous version`,
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
