import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { answerHeadersOf } from "../../exchanges/answer-headers.js";
import { ExchangeBannedError, readRetryAfterMs } from "../../exchanges/ip-ban.js";
import type { ExchangeRequestStats } from "../../exchanges/request-stats.js";
import { DEFAULT_RETRY_POLICY, retrying, type RetryPolicy as SharedRetryPolicy } from "@cexdata/schema";

/** The schema's one retry policy; `maxBanWaitMs` is its `maxWaitMs` under the name runs use. */
export type RetryPolicy = SharedRetryPolicy & {
  /**
   * The longest wait the run accepts for a ban or a `Retry-After` (5 minutes by default): a longer
   * one ends the request with the ban, and the host stays refused until the ban is over.
   */
  readonly maxBanWaitMs?: number;
};

export { DEFAULT_RETRY_POLICY };
/** Bans waited out per request, at most: a host that bans again and again is given up on. */
const MAX_BANS_WAITED = 3;

export interface WithRetryParams {
  readonly exchange: Exchange;
  readonly policy?: RetryPolicy;
  readonly stats?: ExchangeRequestStats;
  /** Injected for tests; real timers by default. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The wall clock bans end on (Date.now); tests pass the clock their `sleep` advances. */
  readonly clockMs?: () => number;
  /** Called before each wait, for logging. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

/** A NetworkError that outlived its attempts; the series fails, the run goes on. */
export class RetriesExhaustedError extends Error {
  override readonly name = "RetriesExhaustedError";
  constructor(
    message: string,
    readonly attempts: number,
    override readonly cause: Error,
  ) {
    super(message);
  }
}

/**
 * Whether ccxt's error family says "try again": NetworkError (RateLimitExceeded, DDoSProtection,
 * RequestTimeout, ExchangeNotAvailable) and BadResponse (a truncated or non-JSON body). ExchangeError
 * (BadSymbol, BadRequest, ...) is not retried: asking again gets the same answer.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof ccxt.NetworkError || error instanceof ccxt.BadResponse;
}

/**
 * Runs `request` until it succeeds or the policy gives up, waiting with exponential backoff and
 * full jitter between attempts, and at least as long as the exchange's `Retry-After` asks (never
 * less: asking early is what turns a 429 into a ban). A ban is waited out to its end when the
 * policy accepts the wait, else it ends the request; nothing is sent to the host meanwhile.
 */
export async function withRetry<T>(request: () => Promise<T>, params: WithRetryParams): Promise<T> {
  const given: RetryPolicy = params.policy ?? DEFAULT_RETRY_POLICY;
  const policy: SharedRetryPolicy = {
    ...given,
    maxWaitMs: given.maxBanWaitMs ?? given.maxWaitMs ?? DEFAULT_RETRY_POLICY.maxWaitMs,
    jitter: given.jitter ?? "equal",
  };
  const clock = params.clockMs ?? Date.now;
  let bansWaited = 0;
  return retrying(
    () => {
      // Headers of an earlier answer must not pass for this one's Retry-After.
      params.exchange.last_response_headers =
        undefined as unknown as typeof params.exchange.last_response_headers;
      return request();
    },
    {
      policy,
      sleep: params.sleep,
      classify: (error) => {
        if (error instanceof ExchangeBannedError) {
          if (bansWaited >= MAX_BANS_WAITED) return { retry: false };
          return { retry: true, free: true, waitAtLeastMs: Math.max(0, error.untilMs - clock()) };
        }
        if (!isRetryable(error)) return { retry: false };
        // The Retry-After of the answer this error came from; ccxt's shared last headers only when
        // the error was not seen (an instance without the hooks).
        const headers = answerHeadersOf(error) ?? params.exchange.last_response_headers;
        return { retry: true, waitAtLeastMs: readRetryAfterMs(headers, clock()) };
      },
      giveUp: (error, attempt, reason, waitMs) => {
        // A ban too long to wait ends the request with the ban itself (the host stays refused).
        if (error instanceof ExchangeBannedError) return error;
        const err = error as Error;
        return new RetriesExhaustedError(
          reason === "attempts"
            ? `${params.exchange.id}: gave up after ${attempt} attempts: ${err.message}`
            : `${params.exchange.id}: asked to wait ${Math.round(waitMs / 1000)} s, longer than this run waits: ${err.message}`,
          attempt,
          err,
        );
      },
      onRetry: ({ attempt, delayMs, error }) => {
        if (error instanceof ExchangeBannedError) bansWaited += 1;
        if (params.stats) params.stats.retries += 1;
        params.onRetry?.({ attempt, delayMs, error: error as Error });
      },
    },
  );
}
