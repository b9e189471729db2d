import { exchangeIdSchema, isTableName, type SpecFreshness, type TableName } from "@cexdata/schema";
import type { RunReport, SeriesBlocked } from "../report/run-report.js";
import type { DatasetStore } from "../store/index.js";

/**
 * Records in the store's next commit how fresh each table/exchange this run touched is: the run is
 * its last success when at least one of its series completed without failure or block; it is blocked
 * while any of its series (or the whole exchange, table `*`) was refused by a geo-block, `since` the
 * first run that saw it. `newest_ts` is read from the stored files, not from what the run fetched.
 * Entries of tables and exchanges the run did not touch are left as they are. Returns the entries.
 */
export async function recordFreshness(p: {
  readonly store: DatasetStore;
  readonly report: RunReport;
  /** The series tables the run planned: a whole exchange blocked is blocked in each of them. */
  readonly tables: readonly TableName[];
  readonly nowMs: number;
}): Promise<SpecFreshness[]> {
  const { store, report } = p;
  const now = new Date(p.nowMs).toISOString();
  const outcomes = new Map<
    string,
    { table: TableName; exchange: string; ok: boolean; blocked?: SeriesBlocked }
  >();
  const outcomeOf = (table: TableName, exchange: string) => {
    const key = `${table}\u0001${exchange}`;
    let outcome = outcomes.get(key);
    if (!outcome) outcomes.set(key, (outcome = { table, exchange, ok: false }));
    return outcome;
  };
  const isExchange = (id: string) => exchangeIdSchema.safeParse(id).success;

  for (const [table, byExchange] of Object.entries(report.tables)) {
    if (!isTableName(table)) continue;
    for (const [exchange, counts] of Object.entries(byExchange)) {
      // token_info is derived from the other tables ("derived"), not fetched from an exchange.
      if (!isExchange(exchange)) continue;
      // A blocked series is counted in `series` but not in `failedSeries` (recordBlocked).
      const blocked = report.blocked.filter((b) => b.table === table && b.exchange === exchange).length;
      outcomeOf(table, exchange).ok ||= counts.series - counts.failedSeries - blocked > 0;
    }
  }
  for (const b of report.blocked) {
    if (!isExchange(b.exchange)) continue;
    const tables = b.table === "*" ? p.tables : isTableName(b.table) ? [b.table] : [];
    for (const table of tables) outcomeOf(table, b.exchange).blocked ??= b;
  }

  const newestByTable = new Map<TableName, Map<string, number | null>>();
  for (const table of new Set([...outcomes.values()].map((o) => o.table))) {
    const exchanges = [...outcomes.values()].filter((o) => o.table === table).map((o) => o.exchange);
    newestByTable.set(table, await store.readNewestTs(table, exchanges));
  }
  const previous = new Map((store.spec?.freshness ?? []).map((e) => [`${e.table}\u0001${e.exchange}`, e]));
  const entries: SpecFreshness[] = [];
  for (const [key, o] of outcomes) {
    const before = previous.get(key);
    const newestMs = newestByTable.get(o.table)?.get(o.exchange) ?? null;
    const lastSuccess = o.ok ? now : before?.last_success_at;
    const newest = newestMs !== null ? new Date(newestMs).toISOString() : before?.newest_ts;
    // A block ends only with a run that fetched it without one; a run that merely failed says nothing.
    const blocked = o.blocked
      ? { since: before?.blocked?.since ?? now, host: o.blocked.host, remedy: o.blocked.remedy }
      : o.ok
        ? undefined
        : before?.blocked;
    entries.push({
      table: o.table,
      exchange: o.exchange,
      ...(lastSuccess !== undefined && { last_success_at: lastSuccess }),
      ...(newest !== undefined && { newest_ts: newest }),
      ...(blocked && { blocked }),
    });
  }
  store.setFreshness(entries);
  return entries;
}
