/** The dataset's status could not be read (unreachable, refused, no spec.json, a spec it cannot parse). */
export class DatasetStatusError extends Error {
  override readonly name = "DatasetStatusError";
  constructor(
    message: string,
    /** The dataset as given: a directory or `hf://datasets/<org>/<name>`. */
    readonly dataset: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
