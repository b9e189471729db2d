/** A series (or a request) given up because the run was told to stop (SIGTERM, SIGINT, a caller's signal). */
export class StoppedError extends Error {
  override readonly name = "StoppedError";
  /** The abort reason: the signal's name for the CLI (it aborts with it), else "aborted". */
  readonly reason: string;
  constructor(signal: AbortSignal) {
    const reason = typeof signal.reason === "string" ? signal.reason : "aborted";
    super(`stopped (${reason}) before the series was complete; the next run resumes it`);
    this.reason = reason;
  }
}

/**
 * Resolves as `work` does, unless `signal` aborts first: then rejects with `StoppedError` at once.
 * The abandoned work is left to end on its own (a request in flight cannot be taken back; its
 * answer is ignored), so a hung request or a long Retry-After wait does not hold up a stop.
 */
export function stopOnAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new StoppedError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StoppedError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
