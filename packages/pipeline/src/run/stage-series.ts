import { cadenceMsOf, type SpecGap } from "@cexdata/schema";
import type { PlannedSeries } from "../plan/plan-series.js";
import type { ExchangeAdapter, SeriesRow } from "../exchanges/types.js";
import { countsOf, type RunReport } from "../report/run-report.js";
import { fetchSeries } from "../sources/rest/fetch-series.js";
import type { RequestStats } from "../exchanges/request-stats.js";
import type { RetryPolicy } from "../sources/rest/with-retry.js";
import { ingestRows, type IngestSink } from "../ingest/index.js";
import { GapTracker } from "./gap-tracker.js";

/** The store operations a series needs, serialised by the caller. */
export type SeriesSink = IngestSink;

export interface StageSeriesResult {
  readonly gaps: SpecGap[];
  readonly expected: number;
  readonly present: number;
}

/**
 * Fetches one planned series page by page; each page is validated at once, its accepted rows staged
 * and its rejected rows quarantined. Newest-first series are held until complete, so a crash never
 * leaves their newest rows stored ahead of missing older ones. Errors propagate (the series fails).
 */
export async function stageSeries(p: {
  planned: PlannedSeries;
  adapter: ExchangeAdapter;
  sink: SeriesSink;
  report: RunReport;
  nowMs: number;
  /** Read before each request, for the source's horizon (see fetchSeries). */
  marketClockMs?: () => number;
  /** Each stretch the source no longer kept when asked (see fetchSeries). */
  onHorizon?: (stretch: { startMs: number; endMs: number }) => void;
  previousTs: number | null;
  stats: RequestStats;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  clockMs?: () => number;
  onPage?: (info: { rows: number; progressMs: number }) => void;
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  signal?: AbortSignal;
}): Promise<StageSeriesResult> {
  const { series } = p.planned;
  const counts = countsOf(p.report, series.table, series.exchange);
  // Rows at a fixed step (candles, hourly snapshots and ratios): a step missing between two stored
  // ones, an empty page inside the series included, is a gap.
  const stepMs = cadenceMsOf(series.table);
  const gaps = stepMs ? new GapTracker(series, stepMs, p.previousTs) : null;
  const held: SeriesRow[] = [];
  for await (const page of fetchSeries({
    adapter: p.adapter,
    series,
    sinceMs: p.planned.sinceMs,
    untilMs: p.planned.untilMs,
    nowMs: p.nowMs,
    marketClockMs: p.marketClockMs,
    onHorizon: (stretch) => {
      gaps?.skipTo(stretch.endMs);
      p.onHorizon?.(stretch);
    },
    stats: p.stats,
    retry: p.retry,
    sleep: p.sleep,
    clockMs: p.clockMs,
    onRetry: p.onRetry,
    signal: p.signal,
  })) {
    // Oldest-first pages are staged at once; a newest-first page waits with the others until the end.
    const stageNow = page.forward && held.length === 0;
    const { accepted } = await ingestRows({
      table: series.table,
      source: "rest",
      nowMs: p.nowMs,
      input: { rows: page.rows },
      counts,
      sink: stageNow
        ? p.sink
        : {
            ...p.sink,
            stage: async (_table, rows) => {
              held.push(...(rows as SeriesRow[]));
            },
          },
    });
    gaps?.add(accepted.map((r) => r.ts));
    p.onPage?.({ rows: accepted.length, progressMs: page.progressMs });
  }
  if (held.length) await p.sink.stage(series.table, held, "rest");
  const result = gaps?.result() ?? { expected: 0, present: 0, gaps: [] };
  return { gaps: result.gaps, expected: result.expected, present: result.present };
}
