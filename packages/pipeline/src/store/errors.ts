/** Another live process holds the dataset directory open for writing. */
export class DatasetLockedError extends Error {
  override readonly name = "DatasetLockedError";
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`dataset ${dir} is open for writing by process ${pid}`);
  }
}

/** The store cannot bring the dataset to a consistent state on its own (e.g. a corrupt journal). */
export class DatasetRecoveryError extends Error {
  override readonly name = "DatasetRecoveryError";
  constructor(
    message: string,
    readonly dir: string,
  ) {
    super(`dataset ${dir}: ${message}`);
  }
}

/** The store was used after `close()`, or a row was staged into a table it cannot store. */
export class DatasetStoreStateError extends Error {
  override readonly name = "DatasetStoreStateError";
}

/**
 * The disk holding the dataset filled up (node's `ENOSPC`, or DuckDB's "No space left on device")
 * while the store wrote `writing`. Nothing of the failed write is visible: the dataset stays at
 * `version`, and a run after space is freed picks up where this one stopped.
 */
export class DiskFullError extends Error {
  override readonly name = "DiskFullError";
  constructor(
    readonly dir: string,
    /** What was being written, in words, e.g. "the ohlcv_1m partitions (DuckDB COPY)". */
    readonly writing: string,
    /** The file the write failed on, when the error names it. */
    readonly file: string | null,
    /** spec.json's version, still the dataset's (0 before the first commit). */
    readonly version: number,
    options?: { cause?: unknown },
  ) {
    super(
      `disk full in dataset ${dir} while writing ${writing}${file === null ? "" : ` (${file})`}; ` +
        `the dataset is unchanged at version ${version}: free space and run again`,
      options,
    );
  }
}

/**
 * The dataset directory (or the store's DuckDB temp directory inside it) cannot be written: a
 * read-only mount, or permissions. Found by creating and removing a file before anything is fetched.
 */
export class DatasetNotWritableError extends Error {
  override readonly name = "DatasetNotWritableError";
  constructor(
    readonly dir: string,
    /** The directory the probe failed in. */
    readonly probed: string,
    /** The system's error code, e.g. `EROFS`, `EACCES`. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(
      `dataset ${dir} is not writable: cannot create a file in ${probed} (${code}); ` + `nothing was fetched`,
      options,
    );
  }
}

/**
 * Rows staged in parts (`StagingQuery.parts`) could not be written as parts (the table or the
 * query does not allow it) or broke the promise they came with: two rows of a partition share a
 * time or one comes before the row above it, or some rows lie outside their part's range. Nothing
 * was staged; the caller takes the rows the general way (which finds and quarantines duplicates,
 * and sorts).
 */
export class StagedPartsError extends Error {
  override readonly name = "StagedPartsError";
  constructor(
    readonly table: string,
    readonly detail: string,
  ) {
    super(`stageFromQuery(${table}): the parts ${detail}`);
  }
}
