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
