import type { DatasetSpec } from "@cexdata/schema";

/** How fresh one table of one exchange is, as the pipeline recorded it in spec.json. */
export interface DatasetFreshness {
  /** `ohlcv_1m`, `funding_rates`, ... */
  readonly table: string;
  readonly exchange: string;
  /** The last run that fetched any of its series; undefined if none ever did. */
  readonly lastSuccessAt?: Date;
  /** The newest stored `ts` (`updated_at` for exchange_info); for candles, the open of the newest candle. */
  readonly newestTs?: Date;
  /** Set while the exchange refuses the pipeline's runner (a geo-block). */
  readonly blocked?: { readonly since: Date; readonly host: string; readonly remedy: string };
}

/** spec.json's freshness entries, typed; empty for a spec written before they were recorded. */
export function readFreshness(spec: DatasetSpec): DatasetFreshness[] {
  return (spec.freshness ?? []).map((e) => ({
    table: e.table,
    exchange: e.exchange,
    ...(e.last_success_at !== undefined && { lastSuccessAt: new Date(e.last_success_at) }),
    ...(e.newest_ts !== undefined && { newestTs: new Date(e.newest_ts) }),
    ...(e.blocked && {
      blocked: { since: new Date(e.blocked.since), host: e.blocked.host, remedy: e.blocked.remedy },
    }),
  }));
}
