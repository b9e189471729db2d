import type { SpecGap } from "@cexdata/schema";
import type { SeriesRef } from "../exchanges/types.js";
import { missingRuns } from "../store/index.js";

/**
 * Counts expected versus present candles of one series as accepted timestamps stream in (in any
 * order within a page, pages oldest first or newest first), and lists the missing stretches.
 */
export class GapTracker {
  private readonly seen: number[] = [];

  constructor(
    private readonly series: SeriesRef,
    private readonly stepMs: number,
    /** The candle before the range (the stored watermark), so a gap at the seam counts too. */
    private previousTs: number | null,
  ) {}

  /**
   * A stretch up to `endMs` was lost to the source's horizon and is recorded as such: the seam
   * moves past it, so the same hours are not counted a second time as a gap.
   */
  skipTo(endMs: number): void {
    if (this.previousTs !== null && endMs - this.stepMs > this.previousTs)
      this.previousTs = endMs - this.stepMs;
  }

  add(tsList: Iterable<number>): void {
    for (const ts of tsList) this.seen.push(ts);
  }

  /** Expected candles between the first and last present one, those present, and the holes. */
  result(): { expected: number; present: number; gaps: SpecGap[] } {
    const ts = [...new Set(this.seen)].sort((a, b) => a - b);
    if (this.previousTs !== null) ts.unshift(this.previousTs);
    const first = ts[0];
    const last = ts.at(-1);
    if (first === undefined || last === undefined) return { expected: 0, present: 0, gaps: [] };
    const gaps: SpecGap[] = missingRuns(ts, this.stepMs).map((run) => ({
      exchange: this.series.exchange,
      symbol: this.series.symbol,
      market: this.series.market,
      start: new Date(run.startMs).toISOString(),
      end: new Date(run.endMs).toISOString(),
      missing: Math.round((run.endMs - run.startMs) / this.stepMs),
    }));
    const expected = Math.round((last - first) / this.stepMs) + 1 - (this.previousTs !== null ? 1 : 0);
    return { expected, present: ts.length - (this.previousTs !== null ? 1 : 0), gaps };
  }
}
