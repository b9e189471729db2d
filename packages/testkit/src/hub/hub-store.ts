import { commitOid, gitBlobOid, lfsPointer, sha256Hex } from "./git-objects.js";

export type RepoType = "model" | "dataset" | "space";

/** A file as one commit holds it. `content` is always the real bytes, also for an LFS file. */
export interface StoredFile {
  readonly path: string;
  readonly content: Uint8Array;
  /** git blob id: of the content for a regular file, of the pointer for an LFS file (as on the Hub). */
  readonly oid: string;
  readonly size: number;
  readonly lfs?: { readonly sha256: string; readonly pointerSize: number };
}

export interface HubCommit {
  readonly oid: string;
  readonly parent: string | null;
  readonly title: string;
  readonly message: string;
  readonly date: Date;
  /** The whole tree at this commit: commits are immutable snapshots, so old revisions never change. */
  readonly files: ReadonlyMap<string, StoredFile>;
}

export type CommitOperationInput =
  | { readonly kind: "file"; readonly path: string; readonly content: Uint8Array }
  | { readonly kind: "lfsFile"; readonly path: string; readonly sha256: string; readonly size: number }
  | { readonly kind: "deletedFile"; readonly path: string }
  | { readonly kind: "deletedFolder"; readonly path: string };

/** An answer the simulator gives as an HTTP error, with the Hub's `X-Error-Code` where it sends one. */
export class HubResponseError extends Error {
  override readonly name = "HubResponseError";
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
    /** Extra response headers, e.g. `Retry-After` on a 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

// A subset of the .gitattributes the Hub writes into every new dataset repo: Parquet and archives are LFS.
export const DEFAULT_GITATTRIBUTES = [
  "*.7z filter=lfs diff=lfs merge=lfs -text",
  "*.arrow filter=lfs diff=lfs merge=lfs -text",
  "*.bin filter=lfs diff=lfs merge=lfs -text",
  "*.gz filter=lfs diff=lfs merge=lfs -text",
  "*.parquet filter=lfs diff=lfs merge=lfs -text",
  "*.zip filter=lfs diff=lfs merge=lfs -text",
  "*.zst filter=lfs diff=lfs merge=lfs -text",
  "",
].join("\n");

export class HubRepoState {
  readonly commits = new Map<string, HubCommit>();
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  /** LFS objects uploaded through the batch API, by sha256; a commit may then reference them. */
  readonly lfsObjects = new Map<string, Uint8Array>();
  /** A private repo is hidden from requests without the token, as a missing one is. */
  private = false;
  constructor(
    readonly type: RepoType,
    readonly name: string,
    readonly createdAt: Date,
  ) {}

  headOf(branch = "main"): HubCommit | undefined {
    const oid = this.branches.get(branch);
    return oid === undefined ? undefined : this.commits.get(oid);
  }

  /** A branch, a tag, a full commit id or a prefix of at least 7 hex digits, as the Hub accepts. */
  resolve(revision: string): HubCommit {
    const rev = revision === "HEAD" ? "main" : revision;
    const oid = this.branches.get(rev) ?? this.tags.get(rev);
    if (oid !== undefined) return this.commits.get(oid)!;
    if (/^[0-9a-f]{7,40}$/.test(rev)) {
      const matches = [...this.commits.keys()].filter((id) => id.startsWith(rev));
      if (matches.length === 1) return this.commits.get(matches[0]!)!;
    }
    throw new HubResponseError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
  }

  /** Commits reachable from a revision, newest first. */
  history(revision: string): HubCommit[] {
    const out: HubCommit[] = [];
    let commit: HubCommit | undefined = this.resolve(revision);
    while (commit) {
      out.push(commit);
      commit = commit.parent === null ? undefined : this.commits.get(commit.parent);
    }
    return out;
  }
}

export function repoKey(type: RepoType, name: string): string {
  return `${type}s/${name}`;
}

/** In-memory state of every repo the simulator hosts. */
export class HubStore {
  readonly repos = new Map<string, HubRepoState>();
  private sequence = 0;
  /**
   * Operations one commit may hold (adds and deletes); undefined: no limit. The Hub sets no hard limit
   * but recommends under 100 files per commit, as large commits time out; a test sets this to hold a
   * publisher to that recommendation.
   */
  maxOperationsPerCommit: number | undefined;

  constructor(private readonly now: () => Date) {}

  get(type: RepoType, name: string): HubRepoState | undefined {
    return this.repos.get(repoKey(type, name));
  }

  create(
    type: RepoType,
    name: string,
    files: ReadonlyArray<{ path: string; content: Uint8Array }>,
  ): HubRepoState {
    if (this.get(type, name)) {
      throw new HubResponseError(409, `You already created this ${type} repo`);
    }
    const repo = new HubRepoState(type, name, this.now());
    this.repos.set(repoKey(type, name), repo);
    // Like the Hub, a new repo already has one commit holding .gitattributes, so `main` always exists.
    const initial: CommitOperationInput[] = [
      { kind: "file", path: ".gitattributes", content: new TextEncoder().encode(DEFAULT_GITATTRIBUTES) },
      ...files.map((f) => ({ kind: "file" as const, path: f.path, content: f.content })),
    ];
    this.commit(repo, { branch: "main", title: "initial commit", operations: initial });
    return repo;
  }

  commit(
    repo: HubRepoState,
    params: {
      branch: string;
      title: string;
      description?: string;
      parentCommit?: string;
      operations: readonly CommitOperationInput[];
    },
  ): HubCommit {
    const head = repo.headOf(params.branch);
    if (!head && repo.branches.size > 0) {
      throw new HubResponseError(404, `Invalid rev id: ${params.branch}`, "RevisionNotFound");
    }
    if (params.parentCommit !== undefined && !isSameCommit(head?.oid, params.parentCommit)) {
      // The exact status and message the Hub answers when `parentCommit` is not the branch head.
      throw new HubResponseError(412, "A commit has happened since. Please refresh and try again.");
    }
    const limit = this.maxOperationsPerCommit;
    if (limit !== undefined && params.operations.length > limit) {
      throw new HubResponseError(
        413,
        `A commit of ${params.operations.length} operations is over this Hub's limit of ${limit} per commit; ` +
          `upload files in multiple commits`,
      );
    }
    const files = new Map(head?.files ?? []);
    for (const op of params.operations) applyOperation(repo, files, op);
    return this.addCommit(repo, params.branch, {
      parent: head?.oid ?? null,
      title: params.title,
      ...(params.description !== undefined && { description: params.description }),
      files,
    });
  }

  /** Records a commit holding `files` whole and points `branch` at it. */
  addCommit(
    repo: HubRepoState,
    branch: string,
    p: { parent: string | null; title: string; description?: string; files: Map<string, StoredFile> },
  ): HubCommit {
    const { parent, title, files } = p;
    const date = this.now();
    const oid = commitOid({
      parent,
      title,
      dateMs: date.getTime(),
      files: [...files].map(([path, file]) => [path, file.oid]),
      sequence: this.sequence++,
    });
    const message = p.description ? `${title}\n\n${p.description}` : title;
    const commit: HubCommit = { oid, parent, title, message, date, files };
    repo.commits.set(oid, commit);
    repo.branches.set(branch, oid);
    return commit;
  }
}

function isSameCommit(head: string | undefined, parent: string): boolean {
  return head !== undefined && parent.length >= 7 && head.startsWith(parent.toLowerCase());
}

function applyOperation(repo: HubRepoState, files: Map<string, StoredFile>, op: CommitOperationInput): void {
  checkPath(op.path);
  switch (op.kind) {
    case "file":
      files.set(op.path, {
        path: op.path,
        content: op.content,
        oid: gitBlobOid(op.content),
        size: op.content.length,
      });
      return;
    case "lfsFile": {
      const content = repo.lfsObjects.get(op.sha256);
      if (!content || content.length !== op.size) {
        throw new HubResponseError(
          400,
          `Your push was rejected because an LFS pointer pointed to a file that does not exist: ${op.path} (sha256 ${op.sha256})`,
        );
      }
      const pointer = lfsPointer(op.sha256, op.size);
      const lfs = { sha256: sha256Hex(content), pointerSize: pointer.length };
      files.set(op.path, { path: op.path, content, oid: gitBlobOid(pointer), size: content.length, lfs });
      return;
    }
    case "deletedFile":
      if (!files.delete(op.path))
        throw new HubResponseError(404, `File not found: ${op.path}`, "EntryNotFound");
      return;
    case "deletedFolder": {
      const prefix = op.path.endsWith("/") ? op.path : `${op.path}/`;
      for (const path of [...files.keys()]) if (path.startsWith(prefix)) files.delete(path);
      return;
    }
  }
}

function checkPath(path: string): void {
  const parts = path.replace(/\/$/, "").split("/");
  if (path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new HubResponseError(400, `Invalid path: ${JSON.stringify(path)}`);
  }
}
