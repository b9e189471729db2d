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
