import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError } from "../errors/index.js";

/** Where a dataset lives: a local directory, a Hub dataset at a revision, or a plain https base. */
export type DatasetSource =
  | { readonly kind: "local"; readonly root: string; readonly label: string }
  | {
      readonly kind: "hub";
      readonly repo: string;
      readonly revision: string;
      readonly hubUrl: string;
      readonly label: string;
    }
  | { readonly kind: "http"; readonly baseUrl: string; readonly label: string };

export const DEFAULT_DATASET = "hf://datasets/cexdata/cexdata";
const COMMIT = /^[0-9a-f]{40}$/;

/** True when the revision is a commit id: its files never change, so its spec is never re-checked. */
export function isPinnedRevision(source: DatasetSource): boolean {
  return source.kind === "hub" && COMMIT.test(source.revision);
}

/**
 * Reads `source` (a directory, `hf://datasets/<org>/<name>[@revision]`, `file://...` or an http(s)
 * base URL) into a DatasetSource.
 */
export function resolveDatasetSource(params: {
  source: string;
  revision: string | undefined;
  hubUrl: string;
}): DatasetSource {
  const { source } = params;
  const hub = /^hf:\/\/datasets\/([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*?)(?:@([^/\s]+))?\/?$/.exec(source);
  if (hub) {
    const revision = params.revision ?? hub[3] ?? "main";
    if (!/^[\w.\-/]{1,200}$/.test(revision) || revision.includes("..")) {
      throw new InvalidArgumentError(`invalid revision ${JSON.stringify(revision)}`, {
        argument: "revision",
        value: revision,
      });
    }
    const hubUrl = params.hubUrl.replace(/\/+$/, "");
    const repo = `${hub[1]}/${hub[2]}`;
    return { kind: "hub", repo, revision, hubUrl, label: `hf://datasets/${repo}@${revision}` };
  }
  if (/^https?:\/\//.test(source)) {
    const baseUrl = source.replace(/\/+$/, "");
    return { kind: "http", baseUrl, label: baseUrl };
  }
  if (source.startsWith("hf://")) {
    throw new InvalidArgumentError(`a Hub source looks like hf://datasets/<org>/<name>, not ${source}`, {
      argument: "source",
      value: source,
    });
  }
  const root = source.startsWith("file://") ? fileURLToPath(source) : source;
  const absolute = isAbsolute(root) ? root : resolve(root);
  return { kind: "local", root: absolute, label: absolute };
}

/** The URL of a dataset file at a revision (a commit id once resolved, so spec and files agree). */
export function buildFileUrl(source: DatasetSource, path: string, revision?: string): string {
  if (source.kind === "hub") {
    const rev = encodeURIComponent(revision ?? source.revision);
    return `${source.hubUrl}/datasets/${source.repo}/resolve/${rev}/${path}`;
  }
  if (source.kind === "http") return `${source.baseUrl}/${path}`;
  return resolve(source.root, path);
}
