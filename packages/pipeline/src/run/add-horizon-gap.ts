import { cadenceMsOf, type SpecGap } from "@cexdata/schema";
import type { SeriesRef } from "../exchanges/types.js";
import { mergeGap } from "./merge-gap.js";

const HOUR = 3_600_000;

/**
 * Records in `gaps` a stretch of `series` that the source no longer kept when it was asked
 * ([startMs, endMs), before the adapter's `earliestMs`), merged with one it touches.
 *
 * `missing` counts periods for tables whose rows close like candles (hourly open interest). Event
 * tables (funding_rates, liquidations) cannot say how many events the stretch held, so their
 * `missing` counts the hours it spans, partial hours included.
 */
export function addHorizonGap(
  gaps: SpecGap[],
  series: SeriesRef,
  stretch: { startMs: number; endMs: number },
): void {
  if (stretch.endMs <= stretch.startMs) return;
  const stepMs = cadenceMsOf(series.table) ?? HOUR;
  mergeGap(gaps, series.table, {
    exchange: series.exchange,
    symbol: series.symbol,
    market: series.market,
    start: new Date(stretch.startMs).toISOString(),
    end: new Date(stretch.endMs).toISOString(),
    missing: Math.max(1, Math.ceil((stretch.endMs - stretch.startMs) / stepMs)),
  });
}
