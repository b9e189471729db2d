import { candleMsOf, isTableName, TABLES, type DatasetSpec } from "@cexdata/schema";

export type FreshnessState = "fresh" | "stale" | "blocked" | "unknown";

/** One table of one exchange, judged against a maximum age. */
export interface FreshnessStatus {
  readonly table: string;
  readonly exchange: string;
  readonly lastSuccessAt: string | null;
  readonly newestTs: string | null;
  /** What the age is measured from: see `ageBasisOf`. */
  readonly ageFrom: "newest-close" | "newest-ts" | "last-success" | null;
  /** Milliseconds between `ageFrom` and now; null when neither time is recorded. */
  readonly ageMs: number | null;
  readonly state: FreshnessState;
  readonly blocked: { readonly since: string; readonly host: string; readonly remedy: string } | null;
}

/**
 * What a user alarms on is the data, so a table's age is measured from its newest stored row: for
 * candles from the newest candle's close (its `ts` is the open, so a daily candle is a day old the
 * moment it exists), for funding rates and open interest from their `ts`. Liquidations are events
 * (a quiet market stores none) and exchange_info/token_info are snapshots, so theirs is measured from
 * the last run that fetched them (the schema's `freshFrom`). Where that time is missing the other
 * one is used.
 */
function ageBasisOf(table: string): "newest-close" | "newest-ts" | "last-success" {
  if (!isTableName(table)) return "newest-ts";
  if (candleMsOf(table) !== undefined) return "newest-close";
  return TABLES[table].freshFrom === "last-run" ? "last-success" : "newest-ts";
}

/**
 * Judges every freshness entry of a spec: `blocked` when the exchange refuses the runner, else
 * `stale` when older than `maxAgeMs`, `unknown` when nothing was ever fetched, else `fresh`. `ok` is
 * true only when there are entries and every one is fresh.
 */
export function assessFreshness(p: {
  readonly spec: DatasetSpec;
  readonly nowMs: number;
  readonly maxAgeMs: number;
}): {
  readonly ok: boolean;
  readonly entries: FreshnessStatus[];
} {
  const entries = (p.spec.freshness ?? []).map((e): FreshnessStatus => {
    const newestMs = e.newest_ts === undefined ? null : Date.parse(e.newest_ts);
    const successMs = e.last_success_at === undefined ? null : Date.parse(e.last_success_at);
    const basis = ageBasisOf(e.table);
    const fromNewest =
      newestMs === null
        ? null
        : basis === "newest-close"
          ? {
              ageFrom: "newest-close" as const,
              ms: newestMs + (isTableName(e.table) ? (candleMsOf(e.table) ?? 0) : 0),
            }
          : { ageFrom: "newest-ts" as const, ms: newestMs };
    const fromSuccess = successMs === null ? null : { ageFrom: "last-success" as const, ms: successMs };
    const chosen = basis === "last-success" ? (fromSuccess ?? fromNewest) : (fromNewest ?? fromSuccess);
    const ageMs = chosen === null ? null : Math.max(0, p.nowMs - chosen.ms);
    const state: FreshnessState = e.blocked
      ? "blocked"
      : ageMs === null
        ? "unknown"
        : ageMs > p.maxAgeMs
          ? "stale"
          : "fresh";
    return {
      table: e.table,
      exchange: e.exchange,
      lastSuccessAt: e.last_success_at ?? null,
      newestTs: e.newest_ts ?? null,
      ageFrom: chosen?.ageFrom ?? null,
      ageMs,
      state,
      blocked: e.blocked ?? null,
    };
  });
  return { ok: entries.length > 0 && entries.every((e) => e.state === "fresh"), entries };
}
