import type { ExchangeAdapter, SeriesTable } from "../../exchanges/types.js";
import { fetchSeries } from "../rest/fetch-series.js";
import type { FillGap } from "./fill-from-rest.js";

/**
 * A `fillGap` over the REST pager and an exchange adapter: the range is paged as any REST backfill
 * is (retries, rate limits, page sizes are the adapter's), and the rows are returned for validation.
 * Ranges before the adapter's `earliestMs` (Binance serves 30 days of open interest) are not asked.
 */
export function createRestFillGap(params: { adapter: ExchangeAdapter; nowMs: () => number }): FillGap {
  let loaded: Promise<void> | null = null;
  return async ({ symbol, market, table, startMs, endMs }) => {
    loaded ??= params.adapter.loadMarkets();
    await loaded;
    const nowMs = params.nowMs();
    const sinceMs = Math.max(startMs, params.adapter.earliestMs(table as SeriesTable, nowMs));
    const rows: unknown[] = [];
    if (sinceMs >= endMs) return rows;
    const series = { table: table as SeriesTable, exchange: params.adapter.id, market, symbol };
    for await (const page of fetchSeries({
      adapter: params.adapter,
      series,
      sinceMs,
      untilMs: endMs,
      nowMs,
      marketClockMs: params.nowMs,
    })) {
      rows.push(...page.rows);
    }
    return rows;
  };
}
