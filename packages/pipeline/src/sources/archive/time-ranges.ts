import type { TimeRange } from "./archive-files.js";

/** `ranges` minus every stretch covered by `minus`, in order, empty pieces dropped. */
export function subtractRanges(ranges: readonly TimeRange[], minus: readonly TimeRange[]): TimeRange[] {
  const cuts = [...minus].sort((a, b) => a.startMs - b.startMs);
  const out: TimeRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.startMs - b.startMs)) {
    let start = range.startMs;
    for (const cut of cuts) {
      if (cut.endMs <= start || cut.startMs >= range.endMs) continue;
      if (cut.startMs > start) out.push({ startMs: start, endMs: cut.startMs });
      start = Math.max(start, cut.endMs);
    }
    if (start < range.endMs) out.push({ startMs: start, endMs: range.endMs });
  }
  return out;
}

/**
 * `range` cut at calendar month starts (UTC): a long backfill imports and commits a month at a time,
 * so its memory is a month's rows whatever its length.
 */
export function splitByMonth(range: TimeRange): TimeRange[] {
  const out: TimeRange[] = [];
  for (let start = range.startMs; start < range.endMs;) {
    const d = new Date(start);
    const end = Math.min(range.endMs, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    out.push({ startMs: start, endMs: end });
    start = end;
  }
  return out;
}
