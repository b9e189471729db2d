import type { Exchange } from "ccxt";
import type { RequestStats } from "./request-stats.js";

/**
 * The two ccxt hooks every request passes: `fetch` (one call per HTTP request, after the rate
 * limiter) and `handleErrors` (sees every status, header and body before ccxt maps it to an error).
 */
export interface CcxtHooks {
  fetch: (url: string, ...rest: unknown[]) => Promise<unknown>;
  handleErrors: (
    code: number,
    reason: string,
    url: string,
    method: string,
    headers: unknown,
    body: unknown,
    ...rest: unknown[]
  ) => unknown;
}

/** Replaces one ccxt hook of this instance with `wrap(original)`; wrappers installed later run first. */
export function wrapHook<K extends keyof CcxtHooks>(
  exchange: Exchange,
  name: K,
  wrap: (original: CcxtHooks[K]) => CcxtHooks[K],
): void {
  const target = exchange as unknown as CcxtHooks;
  target[name] = wrap(target[name].bind(exchange) as CcxtHooks[K]);
}

/**
 * Counts every HTTP request ccxt sends for `exchange`, and the statuses it gets back, into `stats`.
 * Wraps the instance's own `fetch` (one call per HTTP request, after the rate limiter) and
 * `handleErrors` (sees every status and header before ccxt maps it to an error class).
 */
export function instrumentExchange(exchange: Exchange, stats: RequestStats, statsId = exchange.id): void {
  wrapHook(exchange, "fetch", (fetch) => async (...args) => {
    const s = stats.of(statsId);
    s.requests += 1;
    const seen = { status: false };
    statusSeen.set(exchange, seen);
    try {
      return await fetch(...args);
    } catch (error) {
      if (!seen.status) s.transportErrors += 1;
      throw error;
    }
  });
  wrapHook(exchange, "handleErrors", (handleErrors) => (code, reason, url, method, headers, ...rest) => {
    const s = stats.of(statsId);
    const seen = statusSeen.get(exchange);
    if (seen) seen.status = true;
    if (code === 429) s.rateLimited += 1;
    else if (code === 418) s.banned += 1;
    else if (code >= 500) s.serverErrors += 1;
    const weight = Number(readHeader(headers, "x-mbx-used-weight-1m"));
    if (Number.isFinite(weight) && weight > s.peakWeight) s.peakWeight = weight;
    return handleErrors(code, reason, url, method, headers, ...rest);
  });
}

const statusSeen = new WeakMap<Exchange, { status: boolean }>();

/** A response header by case-insensitive name (ccxt capitalises them: `Retry-After`). */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== "object") return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === wanted) return typeof value === "string" ? value : String(value);
  }
  return undefined;
}
