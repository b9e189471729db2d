import { isTableName, TABLE_NAMES, type DatasetSpec } from "@cexdata/schema";
import { findDefaultCacheDir } from "./cache/default-cache-dir.js";
import {
  buildBlobPath,
  ensureLocalFiles,
  type EnsureFilesParams,
  type TransferStats,
} from "./cache/ensure-local-files.js";
import { forgetVerified } from "./cache/verify-file.js";
import { pruneCache } from "./cache/prune-cache.js";
import { closeDatabase, openDatabase } from "./duckdb/open-database.js";
import {
  runQuery,
  type Database,
  type QueryValue,
  type ResultShape,
  type ShapedResult,
} from "./duckdb/run-query.js";
import { InvalidArgumentError } from "./errors/index.js";
import type { QueryContext, RunnableQuery, RunTemplate, ViewFiles } from "./query/query-context.js";
import { normalizeShape } from "./query/normalize-args.js";
import type { ShapeOption, SqlResult } from "./query/result-types.js";
import { selectFiles } from "./query/select-files.js";
import { DEFAULT_DATASET, resolveDatasetSource, type DatasetSource } from "./source/dataset-source.js";
import { createHubFetch } from "./source/create-hub-fetch.js";
import { findHubToken } from "./source/find-hub-token.js";
import { readFreshness, type DatasetFreshness } from "./source/read-freshness.js";
import { SpecTracker, type SpecSnapshot } from "./source/SpecTracker.js";

export interface DatasetLogger {
  warn(message: string): void;
}

export interface DatasetOptions {
  /** A local directory, `hf://datasets/<org>/<name>` or an https base. Default: CEXDATA_DATASET, else hf://datasets/cexdata/cexdata. */
  source?: string;
  /** Hub revision: a branch (`main`), a tag, or a commit id (pinned: never re-checked). */
  revision?: string;
  /** Cache directory. Default: CEXDATA_CACHE_DIR, else the OS cache directory + `cexdata`. */
  cacheDir?: string;
  /** How long a spec.json is trusted before it is re-checked (conditional GET). Default 10 minutes. */
  ttlMs?: number;
  /** Largest cache size before least recently used blobs are deleted. Default 20 GiB. */
  cacheMaxBytes?: number;
  /** Hub base URL. Default: HF_ENDPOINT, else https://huggingface.co. */
  hubUrl?: string;
  /**
   * Hub token for a private or gated dataset, sent as `Authorization: Bearer` to the Hub only. Default:
   * HF_TOKEN, else the token file `huggingface-cli login` writes (HF_TOKEN_PATH, $HF_HOME/token,
   * ~/.cache/huggingface/token). Never logged nor put in an error.
   */
  token?: string;
  fetch?: typeof fetch;
  logger?: DatasetLogger;
  /** Clock, for tests of the TTL. */
  now?: () => number;
  /** Environment the defaults above are read from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

const TEN_MINUTES = 10 * 60_000;
const TWENTY_GIB = 20 * 1024 ** 3;

/**
 * Where the data lives, and the machinery to answer from it: a fresh spec.json, a verified local
 * cache of the files queries need, and one DuckDB instance (opened on first query, closed by
 * `close()` or on process exit).
 */
export class Dataset implements QueryContext {
  readonly source: DatasetSource;
  readonly cacheDir: string;
  /** Files downloaded and bytes read over the network by this Dataset. */
  readonly stats: TransferStats = { downloads: 0, bytesDownloaded: 0 };
  private readonly tracker: SpecTracker;
  private readonly fetch: typeof fetch;
  private readonly cacheMaxBytes: number;
  private database: Promise<Database> | null = null;

  constructor(options: DatasetOptions | string = {}) {
    const opts = typeof options === "string" ? { source: options } : options;
    const env = opts.env ?? process.env;
    this.source = resolveDatasetSource({
      source: opts.source ?? env.CEXDATA_DATASET ?? DEFAULT_DATASET,
      revision: opts.revision,
      hubUrl: opts.hubUrl ?? env.HF_ENDPOINT ?? "https://huggingface.co",
    });
    this.cacheDir = opts.cacheDir ?? findDefaultCacheDir({ env });
    const baseFetch = opts.fetch ?? globalThis.fetch;
    this.fetch =
      this.source.kind === "hub"
        ? createHubFetch({
            fetch: baseFetch,
            hubUrl: this.source.hubUrl,
            token: findHubToken({ token: opts.token, env }),
            label: this.source.label,
          })
        : baseFetch;
    this.cacheMaxBytes = opts.cacheMaxBytes ?? TWENTY_GIB;
    const logger = opts.logger ?? { warn: (message: string) => console.warn(message) };
    this.tracker = new SpecTracker({
      source: this.source,
      cacheDir: this.cacheDir,
      ttlMs: opts.ttlMs ?? TEN_MINUTES,
      fetch: this.fetch,
      now: opts.now ?? Date.now,
      warn: (message) => logger.warn(message),
    });
  }

  /** The current spec.json, validated (re-checked when older than the TTL). */
  async spec(): Promise<DatasetSpec> {
    return (await this.readSnapshot()).spec;
  }

  /**
   * How fresh each table of each exchange is, as the pipeline recorded it: the last successful fetch,
   * the newest stored time, and a geo-block if the exchange refuses the pipeline's runner. Empty for a
   * dataset published before freshness was recorded.
   */
  async freshness(): Promise<DatasetFreshness[]> {
    return readFreshness((await this.readSnapshot()).spec);
  }

  /**
   * Runs your own SQL with `$name` parameters. Every table the query names (`ohlcv_1m`, ...) is a
   * view over ALL its files, which may download a lot: prefer Token methods for narrow queries.
   * `as: "columns"` or `"arrow"` returns the result as columns or an Apache Arrow table.
   */
  async sql<A extends ResultShape = "rows">(
    query: string,
    params: Record<string, QueryValue> = {},
    options: ShapeOption<A> = {},
  ): Promise<SqlResult<A>> {
    const shape = normalizeShape(options.as);
    const snapshot = await this.readSnapshot();
    const tables = TABLE_NAMES.filter((t) => new RegExp(`\\b${t}\\b`, "i").test(query));
    const views = tables.map((table) => ({ view: table, table, files: selectFiles(snapshot.spec, table) }));
    return (await this.runTemplate(snapshot, { sql: query, values: params }, views, shape)) as SqlResult<A>;
  }

  /** Deletes least recently used cached files until the cache holds at most `maxBytes`. */
  async pruneCache(maxBytes = this.cacheMaxBytes) {
    return pruneCache({ cacheDir: this.cacheDir, maxBytes });
  }

  /** Closes the DuckDB instance; the Dataset can be used again (it reopens one). */
  async close(): Promise<void> {
    const database = this.database;
    this.database = null;
    if (database) closeDatabase(await database);
  }

  /** @internal */
  readSnapshot(): Promise<SpecSnapshot> {
    return this.tracker.read();
  }

  /**
   * @internal Fetches and verifies the views' files, then runs the template over them: rows without a
   * shape (`runShaped` returns them as such), else the shape asked for.
   */
  readonly runTemplate = ((
    snapshot: SpecSnapshot,
    template: RunnableQuery,
    views: readonly ViewFiles[],
    shape?: ResultShape,
  ) => this.runShaped(snapshot, template, views, shape)) as RunTemplate;

  private async runShaped(
    snapshot: SpecSnapshot,
    template: RunnableQuery,
    views: readonly ViewFiles[],
    shape?: ResultShape,
  ): Promise<ShapedResult> {
    for (const view of views) {
      if (!isTableName(view.table))
        throw new InvalidArgumentError(`unknown table ${view.table}`, {
          argument: "table",
          value: view.table,
        });
    }
    const params = {
      source: this.source,
      revision: snapshot.revision,
      cacheDir: this.cacheDir,
      fetch: this.fetch,
      stats: this.stats,
    };
    const located = await this.locateFiles(params, views);
    const run = (files: typeof located) =>
      this.openDatabase().then((database) =>
        runQuery({ database, views: files, sql: template.sql, values: template.values, shape }),
      );
    try {
      return await run(located);
    } catch (error) {
      // A cached file damaged after its check (another process, a truncation, the disk) fails inside
      // DuckDB. Forget every check of the query's files, verify them again (re-downloading what is
      // damaged, or refusing a damaged local file with IntegrityError), and retry once. When nothing
      // needed repair the error is the query's own (a bad `dataset.sql`), and it is not run again.
      for (const view of located) for (const path of view.paths) forgetVerified(path);
      const downloadsBefore = this.stats.downloads;
      const rechecked = await this.locateFiles(params, views);
      if (this.stats.downloads === downloadsBefore) throw error;
      try {
        return await run(rechecked);
      } catch {
        throw error;
      }
    }
  }

  /** Downloads or verifies the views' files; prunes the cache after downloads. */
  private async locateFiles(params: EnsureFilesParams, views: readonly ViewFiles[]) {
    const before = this.stats.downloads;
    const located = await Promise.all(
      views.map(async (view) => ({ ...view, paths: await ensureLocalFiles(params, view.files) })),
    );
    if (this.stats.downloads > before && this.source.kind !== "local") {
      const keep = new Set(views.flatMap((v) => v.files.map((f) => buildBlobPath(this.cacheDir, f.sha256))));
      await pruneCache({ cacheDir: this.cacheDir, maxBytes: this.cacheMaxBytes, keep });
    }
    return located;
  }

  private openDatabase(): Promise<Database> {
    this.database ??= openDatabase();
    return this.database;
  }
}
