/**
 * Why a publish (or a squash) stopped. Readers still see the version they saw before this run: data
 * files may have landed in earlier commits, but the spec.json commit is one atomic request, and the
 * next publish resumes from what the Hub holds.
 */
export type PublishErrorCode =
  /** The local dataset does not match its spec.json (missing file, wrong size or sha256). */
  | "local-dataset"
  /** The local spec.json is not newer than the Hub's and differs from it. */
  | "stale-version"
  /** Another publisher changed a file this run also changed: merging would drop rows. */
  | "conflict"
  /** Still losing the race for the branch head after every attempt. */
  | "retries-exhausted"
  /** The dataset's files would cross the Hub's recommended files per repo or entries per folder. */
  | "layout"
  /** A squash would delete version tags users may have pinned, and was not confirmed. */
  | "squash-breaks-pins"
  /** The Hub refused or failed a request (auth, 5xx, network). */
  | "hub";

export class PublishError extends Error {
  override readonly name = "PublishError";
  constructor(
    readonly code: PublishErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
