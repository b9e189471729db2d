import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { ExchangeBannedError, readRetryAfterMs } from "../../exchanges/ip-ban.js";
import type { ExchangeRequestStats } from "./request-stats.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  /** The longest backoff of our own; an exchange's `Retry-After` is honoured beyond it. */
  readonly maxDelayMs: number;
  /**
   * The longest wait the run accepts for a ban or a `Retry-After` (5 minutes by default): a longer
   * one ends the request with the ban, and the host stays refused until the ban is over.
   */
  readonly maxBanWaitMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  maxBanWaitMs: 5 * 60_000,
};
const DEFAULT_MAX_BAN_WAIT_MS = 5 * 60_000;
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
  const policy = params.policy ?? DEFAULT_RETRY_POLICY;
  const maxBanWaitMs = policy.maxBanWaitMs ?? DEFAULT_MAX_BAN_WAIT_MS;
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = params.clockMs ?? Date.now;
  let bansWaited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      // Headers of an earlier answer must not pass for this one's Retry-After.
      params.exchange.last_response_headers =
        undefined as unknown as typeof params.exchange.last_response_headers;
      return await request();
    } catch (error) {
      if (error instanceof ExchangeBannedError) {
        const waitMs = error.untilMs - clock();
        if (waitMs > maxBanWaitMs || bansWaited >= MAX_BANS_WAITED) throw error;
        bansWaited += 1;
        attempt -= 1; // a ban waited out is not a failed attempt
        if (params.stats) params.stats.retries += 1;
        params.onRetry?.({ attempt, delayMs: Math.max(0, waitMs), error });
        if (waitMs > 0) await sleep(waitMs);
        continue;
      }
      if (!isRetryable(error)) throw error;
      const err = error as Error;
      if (attempt >= policy.attempts) {
        throw new RetriesExhaustedError(
          `${params.exchange.id}: gave up after ${attempt} attempts: ${err.message}`,
          attempt,
          err,
        );
      }
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const retryAfterMs = readRetryAfterMs(params.exchange.last_response_headers, clock()) ?? 0;
      if (retryAfterMs > maxBanWaitMs) {
        throw new RetriesExhaustedError(
          `${params.exchange.id}: asked to wait ${Math.round(retryAfterMs / 1000)} s, longer than this run waits: ${err.message}`,
          attempt,
          err,
        );
      }
      const delayMs = Math.max(retryAfterMs, backoff / 2 + Math.random() * (backoff / 2));
      if (params.stats) params.stats.retries += 1;
      params.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}
