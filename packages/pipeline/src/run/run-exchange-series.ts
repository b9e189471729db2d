import type { ExchangeAdapter } from "../exchanges/types.js";
import type { PlannedSeries } from "../plan/plan-series.js";
import { fetchOneSeries, type SeriesOutcome, type SeriesRunContext } from "./fetch-one-series.js";

/** How an exchange's series ended: how many never ran or were stopped, and a full disk if one came. */
export interface ExchangeSeriesResult {
  readonly unfinished: number;
  readonly diskFull: Extract<SeriesOutcome, object>["diskFull"] | null;
}

/**
 * Runs one exchange's planned series, up to `concurrency` at a time. They share the exchange's
 * adapter, so its ccxt throttler and weight budget pace them together: with network latency, one
 * series at a time leaves the rate limit unused while each request travels, several fill it. Each
 * series commits what it staged and reads only its own watermark, so its rows do not depend on which
 * ran first. No new series starts once `halted()` (a signal, a full disk anywhere in the cycle).
 */
export async function runExchangeSeries(p: {
  context: SeriesRunContext;
  adapter: ExchangeAdapter;
  series: readonly PlannedSeries[];
  concurrency: number;
  halted: () => boolean;
}): Promise<ExchangeSeriesResult> {
  let next = 0;
  let unfinished = 0;
  let diskFull: ExchangeSeriesResult["diskFull"] = null;
  const worker = async () => {
    while (next < p.series.length && !p.halted()) {
      const outcome = await fetchOneSeries(p.context, p.series[next++]!, p.adapter);
      if (outcome === "stopped") unfinished += 1;
      else if (outcome !== "done") diskFull ??= outcome.diskFull;
    }
  };
  const workers = Math.max(1, Math.min(p.concurrency, p.series.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { unfinished: unfinished + (p.series.length - next), diskFull };
}
