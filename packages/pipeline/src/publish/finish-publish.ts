import type { DatasetSpec } from "@cexdata/schema";
import type { Logger } from "../log/create-logger.js";
import { createTag, listPathsAt, readRefs } from "./hub-refs.js";
import type { HubParams } from "./hub-state.js";
import { filesOf } from "../store/read-local-dataset.js";
import { planDeletions } from "./plan-commits.js";
import { runCommits } from "./run-commits.js";

/** The tag each published version gets: `v<version>`, a pin that names the version it holds. */
export function versionTag(version: number): string {
  return `v${version}`;
}

/**
 * The end of every publish, and of one that stopped after its spec commit: deletes data files no
 * longer listed (the spec that listed them is already replaced, so no reader needs them) and tags the
 * version. The tag is set last, so a version with its tag is a finished publish and costs one request.
 */
export async function finishPublish(p: {
  hub: HubParams;
  spec: DatasetSpec;
  head: string;
  maxOperations: number;
  log: Logger;
  /**
   * Whether data files no spec lists may be at the head (left by an unfinished publish): listed and
   * deleted then. Default true; false right after a publish that started from a finished one.
   */
  sweep?: boolean;
}): Promise<{ commits: string[]; deleted: string[]; tag: string }> {
  const tag = versionTag(p.spec.version);
  const refs = await readRefs(p.hub);
  if (refs.tags.has(tag)) return { commits: [], deleted: [], tag };
  const listed = filesOf(p.spec);
  const atHead = p.sweep === false ? [] : await listPathsAt(p.hub, p.head, "data");
  const stale = atHead.filter((path) => !listed.has(path));
  const commits = await runCommits({
    hub: p.hub,
    head: p.head,
    commits: planDeletions(stale, p.maxOperations),
    content: {
      blobOf: () => Promise.reject(new Error("a deletion commit uploads nothing")),
      specBytes: null,
      card: null,
      version: p.spec.version,
    },
    log: p.log,
  });
  const at = commits.at(-1) ?? p.head;
  if (await createTag(p.hub, tag, at, `cexdata dataset version ${p.spec.version}`)) {
    p.log.info({ tag, commit: at }, "tagged the version");
  }
  return { commits, deleted: stale, tag };
}
