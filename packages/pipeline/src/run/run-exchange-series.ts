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
  /**
   * Work the same workers take once no series is left to start (the exchange's book_depth), so the
   * last series' tail and it share the exchange's limits instead of running one after the other.
   */
  followUp?: { next(): (() => Promise<void>) | undefined };
}): Promise<ExchangeSeriesResult> {
  const queue = interleaveTables(p.series);
  let next = 0;
  let unfinished = 0;
  let diskFull: ExchangeSeriesResult["diskFull"] = null;
  const tally = (outcome: SeriesOutcome) => {
    if (outcome === "stopped") unfinished += 1;
    else if (outcome !== "done") diskFull ??= outcome.diskFull;
  };
  const committing: Promise<void>[] = [];
  const worker = async () => {
    while (next < queue.length && !p.halted() && diskFull === null) {
      const outcome = await fetchOneSeries(p.context, queue[next++]!, p.adapter);
      if (typeof outcome === "object" && "committing" in outcome)
        committing.push(outcome.committing.then(tally));
      else tally(outcome);
    }
    for (let job = p.followUp?.next(); job !== undefined; job = p.followUp?.next()) {
      if (p.halted() || diskFull !== null) break;
      await job();
    }
  };
  const workers = Math.max(1, Math.min(p.concurrency, queue.length + (p.followUp ? p.concurrency : 0)));
  await Promise.all(Array.from({ length: workers }, worker));
  // Nothing of this exchange joins the waiting commit any more: no reason to wait for company.
  p.context.commits.flush();
  await Promise.all(committing);
  return { unfinished: unfinished + (queue.length - next), diskFull };
}

/**
 * The series in turns over their tables (one of each table's, then the next of each, ...), each
 * table's in planned order. A table's series mostly use the same endpoint, which the exchange limits
 * on its own (OKX per endpoint, Binance USDⓈ-M apart from spot): spread out, every endpoint's budget
 * is used all run long, where table after table would leave all but one endpoint idle at a time and
 * queue the workers behind that one's limit.
 */
export function interleaveTables(series: readonly PlannedSeries[]): PlannedSeries[] {
  const byTable = new Map<string, PlannedSeries[]>();
  for (const s of series) {
    const key = `${s.series.table}|${s.series.market}`;
    const list = byTable.get(key);
    if (list) list.push(s);
    else byTable.set(key, [s]);
  }
  const lists = [...byTable.values()];
  const out: PlannedSeries[] = [];
  for (let i = 0; out.length < series.length; i++)
    for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
