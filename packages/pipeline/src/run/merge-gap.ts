import { cadenceMsOf, type SeriesTable, type SpecGap } from "@cexdata/schema";

const HOUR = 3_600_000;

const sameSeries = (a: SpecGap, b: SpecGap): boolean =>
  a.exchange === b.exchange && a.symbol === b.symbol && (a.market ?? b.market) === (b.market ?? a.market);

/**
 * Adds `gap` to a table's `gaps`, absorbing every gap of the same series it overlaps or touches, so
 * a stretch is listed once: a newest-first pager moves the horizon on with every request, and a
 * series that failed after its horizon is asked again, from a later `since`, by the next run.
 *
 * A merged gap's `missing` is counted again over its span: candles or periods (open interest) for
 * tables whose rows close like candles, hours for event tables (funding_rates, liquidations), which
 * cannot know how many events a stretch held.
 */
export function mergeGap(gaps: SpecGap[], table: SeriesTable, gap: SpecGap): void {
  let startMs = Date.parse(gap.start);
  let endMs = Date.parse(gap.end);
  let absorbed = false;
  for (let i = gaps.length - 1; i >= 0; i--) {
    const g = gaps[i]!;
    if (!sameSeries(g, gap) || Date.parse(g.start) > endMs || Date.parse(g.end) < startMs) continue;
    startMs = Math.min(startMs, Date.parse(g.start));
    endMs = Math.max(endMs, Date.parse(g.end));
    gaps.splice(i, 1);
    absorbed = true;
  }
  if (!absorbed) {
    gaps.push(gap);
    return;
  }
  const stepMs = cadenceMsOf(table) ?? HOUR;
  gaps.push({
    ...gap,
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    missing: Math.max(1, Math.ceil((endMs - startMs) / stepMs)),
  });
}
