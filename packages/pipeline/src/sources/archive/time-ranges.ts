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
