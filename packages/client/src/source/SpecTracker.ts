import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DatasetSpec } from "@cexdata/schema";
import { DatasetAccessError, DatasetUnavailableError, RevisionNotFoundError } from "../errors/index.js";
import { buildFileUrl, isPinnedRevision, type DatasetSource } from "./dataset-source.js";
import { describeError, fetchRemoteSpec, isTransientFailure } from "./fetch-remote-spec.js";
import { parseSpecText } from "./parse-spec-text.js";
import { resolveSpecCommit } from "./resolve-spec-commit.js";

/** A spec.json and the revision its files are fetched at (the commit it came from, when known). */
export interface SpecSnapshot {
  readonly spec: DatasetSpec;
  /**
   * The commit spec.json was last written in (a commit-id pin as given), else the configured revision;
   * undefined for local and http sources. Data files are read at this commit.
   */
  readonly revision: string | undefined;
  /** True when the source could not be reached and this copy came from the cache. */
  readonly offline: boolean;
}

interface StoredSpec {
  url: string;
  etag: string | null;
  commit: string | null;
  text: string;
}

export interface SpecTrackerParams {
  source: DatasetSource;
  cacheDir: string;
  ttlMs: number;
  fetch: typeof fetch;
  now: () => number;
  warn: (message: string) => void;
}

/**
 * Keeps the dataset's spec.json fresh: re-checked when older than the TTL with a conditional GET,
 * never for a pinned commit; a copy is kept in the cache so the next process (or an offline one)
 * starts from it.
 */
export class SpecTracker {
  private current: { snapshot: SpecSnapshot; stored: StoredSpec | null; checkedAt: number } | null = null;
  private refreshing: Promise<SpecSnapshot> | null = null;
  private warnedOffline = false;
  readonly specUrl: string;

  constructor(private readonly params: SpecTrackerParams) {
    this.specUrl = buildFileUrl(params.source, "spec.json");
  }

  /** The spec to answer a query with, refreshed first if it is older than the TTL. */
  async read(): Promise<SpecSnapshot> {
    const current = this.current;
    if (current && (isPinnedRevision(this.params.source) || this.isFresh(current.checkedAt))) {
      return current.snapshot;
    }
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private isFresh(checkedAt: number): boolean {
    return this.params.now() - checkedAt < this.params.ttlMs;
  }

  private async refresh(): Promise<SpecSnapshot> {
    const { source } = this.params;
    if (source.kind === "local") return this.remember(await this.readLocal(), null);
    const stored = this.current?.stored ?? (await this.readStored());
    if (stored && isPinnedRevision(source)) return this.remember(this.fromStored(stored, false), stored);
    try {
      const response = await fetchRemoteSpec({
        url: this.specUrl,
        etag: stored?.etag ?? null,
        fetch: this.params.fetch,
        ...(source.kind === "hub" && { pin: { repo: source.repo, revision: source.revision } }),
      });
      if (response.status === "not-modified" && stored) {
        // Same spec.json: the commit it was written in still holds every file it lists.
        const next = { ...stored, commit: stored.commit ?? response.commit };
        if (next.commit !== stored.commit) await this.writeStored(next);
        return this.remember(this.fromStored(next, false), next);
      }
      if (response.status === "not-modified") {
        throw new DatasetUnavailableError(`GET ${this.specUrl} answered 304 to an unconditional request`, {
          url: this.specUrl,
          status: 304,
        });
      }
      const next: StoredSpec = {
        url: this.specUrl,
        etag: response.etag,
        commit: await this.specCommitOf(response.commit),
        text: response.text,
      };
      const snapshot = this.fromStored(next, false);
      await this.writeStored(next);
      return this.remember(snapshot, next);
    } catch (error) {
      if (!stored || !isTransientFailure(error)) throw this.explain(error);
      this.warnOnce(error);
      return this.remember(this.fromStored(stored, true), stored);
    }
  }

  /** Where the data files of a spec.json read at `head` are read: the commit that wrote it. */
  private async specCommitOf(head: string | null): Promise<string | null> {
    const { source } = this.params;
    if (source.kind !== "hub" || head === null || isPinnedRevision(source)) return head;
    return resolveSpecCommit({
      hubUrl: source.hubUrl,
      repo: source.repo,
      revision: head,
      fetch: this.params.fetch,
    });
  }

  private explain(error: unknown): unknown {
    if (!(error instanceof DatasetUnavailableError)) return error;
    if (error instanceof DatasetAccessError || error instanceof RevisionNotFoundError) return error;
    const cached = "nothing of this dataset is cached";
    return new DatasetUnavailableError(
      `cexdata: dataset ${this.params.source.label} is unavailable: ${error.message}; ${cached} (cache: ${this.params.cacheDir})`,
      { url: error.url, status: error.status, cause: error },
    );
  }

  private warnOnce(error: unknown): void {
    if (this.warnedOffline) return;
    this.warnedOffline = true;
    this.params.warn(
      `cexdata: ${this.specUrl} unreachable (${describeError(error)}); answering from the cached copy`,
    );
  }

  private remember(snapshot: SpecSnapshot, stored: StoredSpec | null): SpecSnapshot {
    this.current = { snapshot, stored, checkedAt: this.params.now() };
    return snapshot;
  }

  private fromStored(stored: StoredSpec, offline: boolean): SpecSnapshot {
    const { source } = this.params;
    const revision = source.kind === "hub" ? (stored.commit ?? source.revision) : undefined;
    return { spec: parseSpecText(stored.text, stored.url), revision, offline };
  }

  private async readLocal(): Promise<SpecSnapshot> {
    let text: string;
    try {
      text = await readFile(this.specUrl, "utf8");
    } catch (error) {
      throw new DatasetUnavailableError(
        `cexdata: cannot read ${this.specUrl}: ${describeError(error)} (is it a cexdata dataset directory?)`,
        { url: this.specUrl, cause: error },
      );
    }
    return { spec: parseSpecText(text, this.specUrl), revision: undefined, offline: false };
  }

  private storedPath(): string {
    const key = createHash("sha256").update(this.specUrl).digest("hex").slice(0, 32);
    return join(this.params.cacheDir, "specs", `${key}.json`);
  }

  private async readStored(): Promise<StoredSpec | null> {
    try {
      const stored = JSON.parse(await readFile(this.storedPath(), "utf8")) as StoredSpec;
      return typeof stored.text === "string" && stored.url === this.specUrl ? stored : null;
    } catch {
      return null;
    }
  }

  private async writeStored(stored: StoredSpec): Promise<void> {
    const path = this.storedPath();
    await mkdir(join(this.params.cacheDir, "specs"), { recursive: true });
    const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temp, JSON.stringify(stored));
    await rename(temp, path);
  }
}
