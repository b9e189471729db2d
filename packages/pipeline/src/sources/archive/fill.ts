import { cadenceMsOf, type Market, type TableName } from "@cexdata/schema";
import type { ExchangeAdapter, SeriesTable } from "../../exchanges/types.js";
import { missingRuns } from "../../store/index.js";
import { ingestRows, storeSink } from "../../ingest/index.js";
import { fetchSeries } from "../rest/fetch-series.js";
import type { StagingStore } from "./stage-csvs.js";
import type { TimeRange } from "./plan.js";

/** What the REST side is asked for: the rows of one series in [startMs, endMs), in the table's row shape. */
export interface FillGapRequest {
  readonly symbol: string;
  readonly market: Market;
  readonly table: TableName;
  readonly startMs: number;
  readonly endMs: number;
}

/** Supplied by the REST code (the exchange adapter): fetch a range, return rows (validated here). */
export type FillGap = (request: FillGapRequest) => Promise<readonly unknown[]>;

export interface RestFill {
  readonly startMs: number;
  readonly endMs: number;
  readonly rows: number;
  readonly rejected: number;
  /** What REST could not serve in the range (never invented). */
  readonly missing: TimeRange[];
  readonly error?: string;
}

/** The stretches of [startMs, endMs) at `stepMs` with no timestamp in `present` (the store's gap finder). */
export function missingRanges(range: TimeRange, stepMs: number, present: ReadonlySet<number>): TimeRange[] {
  return missingRuns(
    [...present].sort((a, b) => a - b),
    stepMs,
    range,
  );
}

/**
 * Asks REST for each range, validates what comes back with `validateRows` (the same rules as every
 * other row), quarantines refusals, stages the rest with source "rest", and says what is still missing.
 */
export async function fillFromRest(params: {
  fillGap: FillGap;
  store: StagingStore;
  datasetDir: string;
  runId: string;
  table: TableName;
  symbol: string;
  market: Market;
  ranges: readonly TimeRange[];
  nowMs: number;
}): Promise<RestFill[]> {
  const step = cadenceMsOf(params.table);
  const out: RestFill[] = [];
  for (const range of params.ranges) {
    const request = { symbol: params.symbol, market: params.market, table: params.table, ...range };
    let fetched: readonly unknown[];
    try {
      fetched = await params.fillGap(request);
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      out.push({ ...range, rows: 0, rejected: 0, missing: step ? [range] : [], error });
      continue;
    }
    const inRange = fetched.filter((r) => {
      const ts = (r as { ts?: unknown } | null)?.ts;
      return typeof ts !== "number" || (ts >= range.startMs && ts < range.endMs);
    });
    const { accepted, rejected } = await ingestRows({
      table: params.table,
      source: "rest",
      nowMs: params.nowMs,
      input: { rows: inRange },
      sink: storeSink(params.store, { datasetDir: params.datasetDir, runId: params.runId }),
    });
    const present = new Set(accepted.map((r) => (r as unknown as { ts: number }).ts));
    out.push({
      ...range,
      rows: accepted.length,
      rejected: rejected.length,
      missing: step ? missingRanges(range, step, present) : [],
    });
  }
  return out;
}

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
