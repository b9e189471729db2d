import type { Market, TableName } from "@cexdata/schema";
import type { ExchangeAdapter, SeriesRow } from "../../exchanges/types.js";
import { isSeriesTable } from "../../exchanges/types.js";
import { fetchSeries } from "./fetch-series.js";
import type { RequestStats } from "./request-stats.js";
import type { RetryPolicy } from "./with-retry.js";

/** A range of one series, as the archive backfill's `FillGap` asks for it. */
export interface RangeRequest {
  readonly symbol: string;
  readonly market: Market;
  readonly table: TableName;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * `(request) => rows` over REST for one exchange: every page of [startMs, endMs) collected
 * (unvalidated; the caller validates). Plugs into `fillFromRest({ fillGap })` of sources/archive.
 */
export function createRestRangeFetcher(p: {
  adapter: ExchangeAdapter;
  nowMs: () => number;
  stats?: RequestStats;
  retry?: RetryPolicy;
}): (request: RangeRequest) => Promise<SeriesRow[]> {
  return async (request) => {
    if (!isSeriesTable(request.table)) throw new Error(`${request.table} is not a time series`);
    await p.adapter.loadMarkets();
    const rows: SeriesRow[] = [];
    for await (const page of fetchSeries({
      adapter: p.adapter,
      series: {
        table: request.table,
        exchange: p.adapter.id,
        market: request.market,
        symbol: request.symbol,
      },
      sinceMs: request.startMs,
      untilMs: request.endMs,
      nowMs: p.nowMs(),
      marketClockMs: p.nowMs,
      stats: p.stats,
      retry: p.retry,
    })) {
      rows.push(...page.rows);
    }
    return rows;
  };
}
