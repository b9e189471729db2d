import { parseRetryAfter } from "@cexdata/schema";
import { readHeader } from "./instrument-exchange.js";

/**
 * The exchange has banned this address until `untilMs` for sending too much: Binance's 418 (bans
 * of 2 minutes to 3 days, longer for repeat offenders, with `Retry-After`), Bybit's 403 "access too
 * frequent" (at least 10 minutes, no `Retry-After`). Nothing is sent to the host before then: a wait
 * the run is willing to make is waited out; a longer one parks the host for the rest of the run.
 */
export class ExchangeBannedError extends Error {
  override readonly name = "ExchangeBannedError";
  constructor(
    readonly exchange: string,
    readonly host: string,
    readonly status: number,
    readonly untilMs: number,
  ) {
    super(
      `${exchange}: ${host} banned this address until ${new Date(untilMs).toISOString()} (HTTP ${status}); ` +
        "no request is sent to it before then, and the next run resumes",
    );
  }
}

/** An answer the exchange sends when it bans: when the ban ends, or null for any other answer. */
export type BanRule = (answer: {
  readonly status: number;
  readonly headers: unknown;
  readonly body: string | undefined;
  readonly nowMs: number;
}) => number | null;

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function readRetryAfterMs(headers: unknown, nowMs = Date.now()): number | undefined {
  return parseRetryAfter(readHeader(headers, "retry-after"), nowMs);
}

/** HTTP 418 "I'm a teapot" is how Binance (and whoever copies it) says "banned": until its Retry-After. */
export const teapotBan: BanRule = ({ status, headers, nowMs }) => {
  if (status !== 418) return null;
  return nowMs + (readRetryAfterMs(headers, nowMs) ?? 120_000);
};
