import { DiskFullError } from "./errors.js";

const NODE_CODES = new Set(["ENOSPC", "EDQUOT"]);
// DuckDB reports a failed write as a plain Error, e.g.
// `IO Error: Could not write file "/d/.cexdata/tmp/1-0.parquet": No space left on device`.
const DUCKDB_MESSAGE = /No space left on device|Disk quota exceeded/i;
const DUCKDB_FILE = /Could not (?:write|create|truncate|open|sync) file "([^"]+)"/;

/**
 * Turns a write error that means "the disk is full" into a `DiskFullError` naming the dataset and
 * what was being written; any other error (or one already mapped) is returned as it is.
 */
export function mapDiskFullError(p: {
  readonly error: unknown;
  readonly dir: string;
  readonly writing: string;
  readonly version: number;
}): unknown {
  const { error } = p;
  if (!(error instanceof Error) || error instanceof DiskFullError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && NODE_CODES.has(code)) {
    const file = (error as NodeJS.ErrnoException).path ?? null;
    return new DiskFullError(p.dir, p.writing, file, p.version, { cause: error });
  }
  if (DUCKDB_MESSAGE.test(error.message)) {
    const file = DUCKDB_FILE.exec(error.message)?.[1] ?? null;
    return new DiskFullError(p.dir, p.writing, file, p.version, { cause: error });
  }
  return error;
}
