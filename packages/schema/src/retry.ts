/**
 * The one retry policy of cexdata: how many attempts, how long between them, how a `Retry-After` is
 * honoured and which answers are worth asking again. Exchange REST requests, archive downloads,
 * publishing and the client's downloads all retry through `retrying`, each with its own numbers.
 * It lives here, in the package every other one depends on, because it has no I/O of its own.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The pause after the first failed attempt; it doubles with each further one. */
  readonly baseDelayMs: number;
  /** The longest backoff of our own; a server's `Retry-After` is honoured beyond it. */
  readonly maxDelayMs: number;
  /**
   * The longest wait a `Retry-After` (or a ban) may ask for: a longer one ends the request at once,
   * unless `capWaits` is set, when the wait is cut to this instead.
   */
  readonly maxWaitMs?: number;
  readonly capWaits?: boolean;
  /**
   * `equal`: half the backoff fixed, half random (callers that share a host spread out);
   * `none`: the backoff exactly (a single reader of a static file).
   */
  readonly jitter?: "equal" | "none";
}

/** What a caller's classifier says about one failure. */
export type RetryVerdict =
  /** Not worth asking again (a 4xx, a bad symbol): the error is thrown as it is. */
  | { readonly retry: false }
  | {
      readonly retry: true;
      /** The server's `Retry-After` (or a ban's end), in ms from now: the wait is at least this. */
      readonly waitAtLeastMs?: number;
      /** A wait that is not a failed attempt (a ban waited out): it does not use up `attempts`. */
      readonly free?: boolean;
    };

/** Why the loop gave up: out of attempts, or asked to wait longer than the policy allows. */
export type GiveUpReason = "attempts" | "wait-too-long";

export interface RetryingParams {
  readonly policy: RetryPolicy;
  readonly classify: (error: unknown, attempt: number) => RetryVerdict;
  /** The error to throw when giving up on a retryable failure; the failure itself by default. */
  readonly giveUp?: (error: unknown, attempt: number, reason: GiveUpReason, waitMs: number) => unknown;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Injected for tests; real timers by default. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  maxWaitMs: 5 * 60_000,
  jitter: "equal",
};

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pause after failed attempt `attempt` (1-based): exponential from `baseDelayMs`, capped, jittered. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random) {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.jitter === "none" ? backoff : backoff / 2 + random() * (backoff / 2);
}

/** A `Retry-After` value (seconds, or an HTTP date) as ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/** HTTP answers worth asking again: timeouts, too early, too many requests, and server failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Runs `attempt` until it succeeds, `classify` says a failure is final, or the policy gives up.
 * Between attempts it waits the backoff, and never less than the server asked for: asking early is
 * what turns a 429 into a ban.
 */
export async function retrying<T>(request: (attempt: number) => Promise<T>, p: RetryingParams): Promise<T> {
  const sleep = p.sleep ?? realSleep;
  const maxWaitMs = p.policy.maxWaitMs ?? Infinity;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request(attempt);
    } catch (error) {
      const verdict = p.classify(error, attempt);
      if (!verdict.retry) throw error;
      const asked = verdict.waitAtLeastMs ?? 0;
      const giveUp = (reason: GiveUpReason) => (p.giveUp ? p.giveUp(error, attempt, reason, asked) : error);
      const tooLong = asked > maxWaitMs && p.policy.capWaits !== true;
      if (verdict.free) {
        if (tooLong) throw giveUp("wait-too-long");
        attempt -= 1;
        p.onRetry?.({ attempt, delayMs: asked, error });
        if (asked > 0) await sleep(asked);
        continue;
      }
      if (attempt >= p.policy.attempts) throw giveUp("attempts");
      if (tooLong) throw giveUp("wait-too-long");
      const delayMs = Math.min(
        Math.max(asked, backoffDelayMs(p.policy, attempt, p.random)),
        p.policy.capWaits === true ? maxWaitMs : Infinity,
      );
      p.onRetry?.({ attempt, delayMs, error });
      if (delayMs > 0) await sleep(delayMs);
    }
  }
}
