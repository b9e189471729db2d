import { AsyncLocalStorage } from "node:async_hooks";
import type { Exchange } from "ccxt";
import { wrapHook } from "./instrument-exchange.js";

/** The headers of the answer a request got, filled in by `handleErrors` within that request. */
const answerOf = new AsyncLocalStorage<{ headers?: unknown }>();
const headersOfError = new WeakMap<object, unknown>();

/**
 * Remembers, on each error a request of `exchange` ends with, the headers of the answer that caused
 * it (`answerHeadersOf`). ccxt keeps only `last_response_headers`, shared by the instance: with
 * several requests in flight (series side by side, the calls of one loadMarkets) a 429's
 * `Retry-After` was read from whichever answer came last, often a 200 without one, and the retry
 * went out inside the window that had refused it.
 */
export function rememberAnswerHeaders(exchange: Exchange): void {
  wrapHook(exchange, "fetch", (fetch) => (...args) => {
    const answer: { headers?: unknown } = {};
    return answerOf.run(answer, async () => {
      try {
        return await fetch(...args);
      } catch (error) {
        if (answer.headers !== undefined && typeof error === "object" && error !== null)
          headersOfError.set(error, answer.headers);
        throw error;
      }
    });
  });
  wrapHook(exchange, "handleErrors", (handleErrors) => (code, reason, url, method, headers, ...rest) => {
    const answer = answerOf.getStore();
    if (answer) answer.headers = headers;
    return handleErrors(code, reason, url, method, headers, ...rest);
  });
}

/** The headers of the answer `error` came from, when a request of an instrumented exchange threw it. */
export function answerHeadersOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? headersOfError.get(error) : undefined;
}
