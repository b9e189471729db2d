import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/** The dataset store's DuckDB `memory_limit` unless its caller sets one. */
export const DEFAULT_STORE_MEMORY_LIMIT = "512MB";

export interface OpenDuckDBParams {
  /** A database file, or `:memory:` (the default). */
  readonly path?: string;
  /** Worker threads (DuckDB's `threads`); defaults to DuckDB's choice (the number of cores). */
  readonly threads?: number;
  /** DuckDB's `memory_limit`, e.g. `"512MB"`; past it DuckDB spills to `tempDirectory`. */
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
}

/** One DuckDB instance and a connection to it; `close()` releases both. */
export interface DuckDBHandle {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  close(): void;
}

/** Opens a DuckDB instance with explicit settings and one connection. Callers own and close it. */
export async function openDuckDB(params: OpenDuckDBParams = {}): Promise<DuckDBHandle> {
  const options: Record<string, string> = {};
  if (params.threads !== undefined) options["threads"] = String(params.threads);
  if (params.memoryLimit !== undefined) options["memory_limit"] = params.memoryLimit;
  if (params.tempDirectory !== undefined) options["temp_directory"] = params.tempDirectory;
  const instance = await DuckDBInstance.create(params.path ?? ":memory:", options);
  const connection = await instance.connect();
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Runs `fn` with DuckDB's worker pool at `threads` (an instance-wide setting, put back afterwards).
 * For work that splits across connections itself, or that DuckDB's own parallelism makes dearer:
 * see the callers.
 */
export async function withDuckDBThreads<T>(
  conn: DuckDBConnection,
  threads: number,
  fn: () => Promise<T>,
): Promise<T> {
  const reader = await conn.runAndReadAll(`SELECT current_setting('threads')::BIGINT`);
  const before = Number((reader.getRows()[0] as [bigint])[0]);
  if (before === threads) return fn();
  await conn.run(`SET threads = ${threads}`);
  try {
    return await fn();
  } finally {
    await conn.run(`SET threads = ${before}`);
  }
}

/** SQL quoting lives once, in the schema package. */
export { quoteIdentifier, quoteSqlString } from "@cexdata/schema";
