import { sha256Hex } from "./git-objects.js";
import { HubResponseError, type CommitOperationInput, type HubStore, type RepoType } from "./hub-store.js";
import { chooseUploadMode } from "./upload-mode.js";

/** As in @huggingface/hub: `"datasets/org/name"`, `"org/name"` (a model), or `{ type, name }`. */
export type HubRepoDesignation = string | { readonly type: RepoType; readonly name: string };

export interface HubCommitSummary {
  readonly oid: string;
  readonly title: string;
  readonly date: Date;
}

/** Direct access to the simulator's state, for test set-up and assertions (no HTTP involved). */
export interface HubInspector {
  /** The commit a branch points to, or undefined when the repo or branch does not exist. */
  headOf(repo: HubRepoDesignation, branch?: string): string | undefined;
  /** A file's bytes at a revision (branch, tag, commit id), or undefined when any of them is missing. */
  getFile(repo: HubRepoDesignation, revision: string, path: string): Uint8Array | undefined;
  /** Every file path at a revision, sorted; empty when the repo or revision is missing. */
  listPaths(repo: HubRepoDesignation, revision?: string): string[];
  /** Commits reachable from a revision, newest first. */
  listCommits(repo: HubRepoDesignation, revision?: string): HubCommitSummary[];
  /**
   * Commits files to a branch without going through HTTP, creating the repo if needed; files are
   * stored as LFS by the same rule the preupload call applies. Returns the new commit id.
   */
  commitFiles(
    repo: HubRepoDesignation,
    files: Readonly<Record<string, Uint8Array | string>>,
    opts?: { readonly title?: string; readonly branch?: string; readonly delete?: readonly string[] },
  ): string;
  /** Tag names and the commit each points to. */
  listTags(repo: HubRepoDesignation): Record<string, string>;
  /** sha256 of every LFS object the repo stores (uploaded, whether or not a commit holds it). */
  lfsObjectIds(repo: HubRepoDesignation): string[];
  /** Points a tag at a revision (default `main`). */
  tag(repo: HubRepoDesignation, tag: string, revision?: string): void;
  /** Makes a repo private (only requests with the token see it) or public again. */
  setPrivate(repo: HubRepoDesignation, value: boolean): void;
}

export function parseRepoDesignation(repo: HubRepoDesignation): { type: RepoType; name: string } {
  if (typeof repo !== "string") return repo;
  const m = /^(models|datasets|spaces)\/(.+)$/.exec(repo);
  if (!m) return { type: "model", name: repo };
  return { type: m[1] === "datasets" ? "dataset" : m[1] === "spaces" ? "space" : "model", name: m[2]! };
}

export function createHubInspector(store: HubStore, onCommit: () => void): HubInspector {
  const find = (repo: HubRepoDesignation) => {
    const { type, name } = parseRepoDesignation(repo);
    return store.get(type, name);
  };
  const commitAt = (repo: HubRepoDesignation, revision: string) => {
    try {
      return find(repo)?.resolve(revision);
    } catch (err) {
      if (err instanceof HubResponseError) return undefined;
      throw err;
    }
  };
  return {
    headOf: (repo, branch = "main") => find(repo)?.headOf(branch)?.oid,
    getFile: (repo, revision, path) => commitAt(repo, revision)?.files.get(path)?.content,
    listPaths: (repo, revision = "main") => [...(commitAt(repo, revision)?.files.keys() ?? [])].sort(),
    listCommits: (repo, revision = "main") =>
      commitAt(repo, revision) === undefined
        ? []
        : find(repo)!
            .history(revision)
            .map((c) => ({ oid: c.oid, title: c.title, date: c.date })),
    commitFiles(repo, files, opts = {}) {
      const { type, name } = parseRepoDesignation(repo);
      let state = store.get(type, name);
      if (!state) {
        state = store.create(type, name, []);
        onCommit(); // the initial commit
      }
      const branch = opts.branch ?? "main";
      const attributes = new TextDecoder().decode(state.headOf(branch)?.files.get(".gitattributes")?.content);
      const operations: CommitOperationInput[] = Object.entries(files).map(([path, value]) => {
        const content = typeof value === "string" ? new TextEncoder().encode(value) : value;
        const sample = content.subarray(0, 512);
        if (
          chooseUploadMode({ path, size: content.length, sample, gitAttributes: attributes }) === "regular"
        ) {
          return { kind: "file", path, content };
        }
        const sha256 = sha256Hex(content);
        state.lfsObjects.set(sha256, content);
        return { kind: "lfsFile", path, sha256, size: content.length };
      });
      for (const path of opts.delete ?? []) operations.push({ kind: "deletedFile", path });
      const title = opts.title ?? `Upload ${Object.keys(files).length} files`;
      const commit = store.commit(state, { branch, title, operations });
      onCommit();
      return commit.oid;
    },
    listTags: (repo) => Object.fromEntries(find(repo)?.tags ?? []),
    lfsObjectIds: (repo) => [...(find(repo)?.lfsObjects.keys() ?? [])].sort(),
    tag(repo, tag, revision = "main") {
      const state = find(repo);
      if (!state) throw new HubResponseError(404, "Repository not found", "RepoNotFound");
      state.tags.set(tag, state.resolve(revision).oid);
    },
    setPrivate(repo, value) {
      const state = find(repo);
      if (!state) throw new HubResponseError(404, "Repository not found", "RepoNotFound");
      state.private = value;
    },
  };
}
