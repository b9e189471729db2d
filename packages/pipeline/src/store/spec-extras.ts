import type { SpecCoverage, SpecGap } from "@cexdata/schema";
import type { SeriesRef } from "./read-watermark.js";

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function seriesKey(s: { exchange: string; symbol: string; market?: string | undefined }): string {
  return `${s.exchange}\u0001${s.market ?? ""}\u0001${s.symbol}`;
}

/** Gaps in a stable order: by exchange, market, symbol, start. */
export function sortGaps(gaps: readonly SpecGap[]): SpecGap[] {
  return [...gaps].sort(
    (a, b) => compare(seriesKey(a), seriesKey(b)) || compare(a.start, b.start) || compare(a.end, b.end),
  );
}

/**
 * The gaps list after recording `gaps`: without `series`, `gaps` is the table's whole list;
 * with it, only the gaps of those series (and of the series named in `gaps`) are replaced.
 */
export function replaceGaps(
  current: readonly SpecGap[],
  gaps: readonly SpecGap[],
  series: readonly SeriesRef[] | undefined,
): SpecGap[] {
  if (series === undefined) return sortGaps(gaps);
  const replaced = new Set([...series, ...gaps].map(seriesKey));
  const bySymbol = new Set(
    [...series, ...gaps].filter((s) => s.market === undefined).map((s) => `${s.exchange}\u0001${s.symbol}`),
  );
  const kept = current.filter(
    (g) => !replaced.has(seriesKey(g)) && !bySymbol.has(`${g.exchange}\u0001${g.symbol}`),
  );
  return sortGaps([...kept, ...gaps]);
}

/** Coverage windows merged per exchange: overlapping or touching windows become one. */
export function mergeCoverage(windows: readonly SpecCoverage[]): SpecCoverage[] {
  const sorted = [...windows].sort((a, b) => compare(a.exchange, b.exchange) || compare(a.start, b.start));
  const merged: SpecCoverage[] = [];
  for (const w of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.exchange === w.exchange && Date.parse(w.start) <= Date.parse(last.end)) {
      if (Date.parse(w.end) > Date.parse(last.end)) merged[merged.length - 1] = { ...last, end: w.end };
    } else merged.push({ ...w });
  }
  return merged;
}
