import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { readHeader } from "./instrument-exchange.js";
import type { ExchangeRequestStats } from "./request-stats.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 60_000 };

export interface WithRetryParams {
  readonly exchange: Exchange;
  readonly policy?: RetryPolicy;
  readonly stats?: ExchangeRequestStats;
  /** Injected for tests; real timers by default. */
  readonly sleep?: (ms: number) => Promise<void>;
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
 * full jitter between attempts, and at least as long as the exchange's `Retry-After` asks.
 */
export async function withRetry<T>(request: () => Promise<T>, params: WithRetryParams): Promise<T> {
  const policy = params.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = params.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      // Headers of an earlier answer must not pass for this one's Retry-After.
      params.exchange.last_response_headers =
        undefined as unknown as typeof params.exchange.last_response_headers;
      return await request();
    } catch (error) {
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
      const retryAfterMs = readRetryAfterMs(params.exchange.last_response_headers);
      const delayMs = Math.min(
        policy.maxDelayMs,
        Math.max(retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2)),
      );
      if (params.stats) params.stats.retries += 1;
      params.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function readRetryAfterMs(headers: unknown, nowMs = Date.now()): number | undefined {
  const value = readHeader(headers, "retry-after");
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
