import { clampLimit, intParam } from "./candle-window.js";

/**
 * Records with before < ts < after, newest first, at most `limit`: the newest ones, or with only
 * `before` the ones right after it (so that paging forward from a `since` works).
 */
export function pageNewestFirst<T extends { ts: number }>(
  rows: readonly T[],
  bounds: { after: number | undefined; before: number | undefined },
  limit: number,
): T[] {
  const { after, before } = bounds;
  const inRange = rows
    .filter((r) => r.ts < (after ?? Number.POSITIVE_INFINITY) && r.ts > (before ?? Number.NEGATIVE_INFINITY))
    .sort((a, b) => a.ts - b.ts);
  const page = before !== undefined && after === undefined ? inRange.slice(0, limit) : inRange.slice(-limit);
  return page.reverse();
}

/** The periods rubik statistics are served in. */
export const RUBIK_PERIODS: Readonly<Record<string, number>> = {
  "5m": 300_000,
  "1H": 3_600_000,
  "1D": 86_400_000,
};

/** rubik/stat/contracts/* serve only the latest 1440 periods of an instrument. */
const RUBIK_ENTRIES = 1440;

/**
 * What a rubik/stat/contracts request asks for: its period, the closed periods in reach (the latest
 * 1440, newer than `begin`, older than `end`) and the page bounds; undefined for an unknown period.
 */
export function rubikWindow(
  query: URLSearchParams,
  nowMs: number,
):
  | {
      periodMs: number;
      limit: number;
      bounds: { after: number | undefined; before: number | undefined };
      startMs: number;
      endMs: number;
    }
  | undefined {
  const periodMs = RUBIK_PERIODS[query.get("period") ?? "5m"];
  if (periodMs === undefined) return undefined;
  const lastClosed = Math.floor(nowMs / periodMs) * periodMs - periodMs;
  const end = intParam(query, "end");
  const begin = intParam(query, "begin");
  return {
    periodMs,
    limit: clampLimit(intParam(query, "limit"), 100, 100),
    bounds: { after: end, before: begin },
    startMs: Math.max(lastClosed - (RUBIK_ENTRIES - 1) * periodMs, (begin ?? -1) + 1),
    endMs: Math.min(lastClosed + 1, end ?? Number.POSITIVE_INFINITY),
  };
}
