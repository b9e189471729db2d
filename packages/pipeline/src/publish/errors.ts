/**
 * Why a publish stopped. Every code means the Hub was left at the revision it had before this run
 * (a commit is one atomic request: it either lands whole or not at all).
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
