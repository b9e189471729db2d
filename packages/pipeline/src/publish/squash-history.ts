import { listCommits } from "@huggingface/hub";
import { createLogger, type Logger } from "../log/create-logger.js";
import { PublishError } from "./errors.js";
import { createTag, deleteTag, readRefs, superSquash } from "./hub-refs.js";
import { hubArgs, readHubState, writingHubParams, type HubParams } from "./hub-state.js";
import { sameTables } from "./plan-publish.js";
import { versionTag } from "./finish-publish.js";

export interface SquashHistoryParams {
  readonly repo: string;
  readonly accessToken?: string;
  readonly hubUrl?: string;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  /**
   * Version tags to keep, newest first, counting the current version's. Older ones are deleted, which
   * breaks every pin on them: refused unless `confirm`. Default: keep every tag.
   */
  readonly keepVersions?: number;
  /** Go ahead although version tags would be deleted. */
  readonly confirm?: boolean;
  /** Only report what would happen. */
  readonly dryRun?: boolean;
}

export interface SquashPlan {
  /** The branch head before the squash. */
  readonly head: string;
  /** The current version's tag, moved onto the squashed commit (same files, so its pins hold). */
  readonly moved: string | null;
  /** Older version tags kept: they still resolve, and keep their history (and its storage) alive. */
  readonly kept: readonly string[];
  /** Older version tags deleted: pins on them stop resolving. */
  readonly dropped: readonly string[];
  /** Commits on main no kept tag reaches: their ids stop resolving. */
  readonly commitsLost: number;
}

export interface SquashHistoryResult extends SquashPlan {
  /** The squashed commit, or null on a dry run. */
  readonly squashed: string | null;
}

/**
 * Squashes the history of `main` into one commit (the Hub's super-squash, as huggingface_hub's
 * `super_squash_history` calls it). On the Hub this is non-revertible: commit ids only `main` reached
 * stop resolving, while a tag keeps its commit and that commit's history. So the current version's tag
 * is moved onto the squashed commit, older version tags are kept unless `keepVersions` says otherwise,
 * and deleting any of them (pins users may hold) is refused unless `confirm`.
 */
export async function squashHistory(params: SquashHistoryParams): Promise<SquashHistoryResult> {
  const hub = writingHubParams(params, "squashing");
  const log = (params.logger ?? createLogger()).child({ stage: "squash", repo: params.repo });
  const plan = await planSquash(hub, params.keepVersions ?? Infinity);
  log.info({ ...plan, kept: plan.kept.length, dropped: plan.dropped }, "squash plan");
  if (plan.dropped.length > 0 && !params.confirm && !params.dryRun) {
    throw new PublishError(
      "squash-breaks-pins",
      `squashing with --keep-versions ${params.keepVersions} deletes the tags ${plan.dropped.join(", ")}: ` +
        `anyone who pinned those versions gets an error instead of data. Confirm to go ahead, or keep more versions`,
    );
  }
  if (plan.commitsLost > 0) {
    log.warn(
      { commits: plan.commitsLost },
      "commit ids that no kept tag reaches stop resolving; pins on a version tag hold",
    );
  }
  if (plan.kept.length > 0) {
    log.warn({ kept: plan.kept }, "older version tags keep their history, and its storage, on the Hub");
  }
  if (params.dryRun) return { ...plan, squashed: null };
  for (const tag of plan.dropped) await deleteTag(hub, tag);
  const state = await readHubState(hub);
  await superSquash(hub, "main", `Super-squash branch 'main': cexdata v${state.spec?.version ?? "?"}`);
  const squashed = await headOf(hub);
  if (plan.moved) {
    await deleteTag(hub, plan.moved);
    await createTag(hub, plan.moved, squashed, `cexdata dataset version ${state.spec?.version}`);
  }
  log.info({ squashed, moved: plan.moved }, "squashed the history of main");
  return { ...plan, squashed };
}

async function planSquash(hub: HubParams, keepVersions: number): Promise<SquashPlan> {
  const [refs, state] = await Promise.all([readRefs(hub), readHubState(hub)]);
  if (state.head === null) throw new PublishError("hub", `${hub.repo} has no commits to squash`);
  const versions = [...refs.tags.keys()]
    .filter((t) => /^v\d+$/.test(t))
    .sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)));
  const current = state.spec ? versionTag(state.spec.version) : null;
  // The current version's tag moves only when its commit holds the same dataset as the head.
  let moved: string | null = null;
  if (current !== null && refs.tags.has(current)) {
    const atTag = await readHubState(hub, refs.tags.get(current)!);
    if (atTag.spec && state.spec && sameTables(atTag.spec, state.spec)) moved = current;
  }
  const older = versions.filter((t) => t !== moved);
  const keepOlder = Math.max(0, keepVersions - (moved ? 1 : 0));
  const kept = older.slice(0, keepOlder);
  const dropped = older.slice(keepOlder);
  // Commits of main a kept tag still reaches stay; the rest go.
  const held = new Set<string>();
  for (const tag of kept) for (const oid of await commitIds(hub, refs.tags.get(tag)!)) held.add(oid);
  const onMain = await commitIds(hub, state.head);
  return { head: state.head, moved, kept, dropped, commitsLost: onMain.filter((c) => !held.has(c)).length };
}

async function commitIds(hub: HubParams, revision: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const c of listCommits({ ...hubArgs(hub), revision })) ids.push(c.oid);
  return ids;
}

async function headOf(hub: HubParams): Promise<string> {
  for await (const c of listCommits({ ...hubArgs(hub), batchSize: 1 })) return c.oid;
  throw new PublishError("hub", `${hub.repo} has no commit after the squash`);
}
