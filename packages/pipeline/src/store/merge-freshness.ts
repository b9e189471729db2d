import type { SpecFreshness } from "@cexdata/schema";

const keyOf = (e: SpecFreshness) => `${e.table}\u0001${e.exchange}`;
const later = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b !== undefined && b > a ? b : a;
/** An entry's text with its keys in one order, to tell a changed entry from an equal one. */
const textOf = (e: SpecFreshness) =>
  JSON.stringify([
    e.table,
    e.exchange,
    e.last_success_at,
    e.newest_ts,
    e.blocked && [e.blocked.since, e.blocked.host, e.blocked.remedy],
  ]);
const seenAt = (e: SpecFreshness) => later(e.last_success_at, e.blocked?.since) ?? "";

/**
 * Freshness entries after `updates` (each a whole list, e.g. one per shard, or ours and another
 * publisher's) were made from `base`: an entry an update left as the base has it is no change, so
 * one update never erases what another did to a different table or exchange. Where several updates
 * changed one entry, its times are the latest of theirs and its blocked state is that of the update
 * that saw the exchange last. Sorted by table, then exchange.
 */
export function mergeFreshness(
  base: readonly SpecFreshness[] | undefined,
  updates: readonly (readonly SpecFreshness[] | undefined)[],
): SpecFreshness[] | undefined {
  if (!base && updates.every((u) => !u)) return undefined;
  const before = new Map((base ?? []).map((e) => [keyOf(e), textOf(e)]));
  const out = new Map((base ?? []).map((e) => [keyOf(e), e]));
  const changed = new Set<string>();
  for (const update of updates) {
    for (const entry of update ?? []) {
      const key = keyOf(entry);
      if (before.get(key) === textOf(entry)) continue;
      const other = changed.has(key) ? out.get(key) : undefined;
      out.set(key, other ? combine(other, entry) : entry);
      changed.add(key);
    }
  }
  return [...out.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

function combine(a: SpecFreshness, b: SpecFreshness): SpecFreshness {
  const last = seenAt(b) > seenAt(a) ? b : a;
  const lastSuccess = later(a.last_success_at, b.last_success_at);
  const newest = later(a.newest_ts, b.newest_ts);
  return {
    table: a.table,
    exchange: a.exchange,
    ...(lastSuccess !== undefined && { last_success_at: lastSuccess }),
    ...(newest !== undefined && { newest_ts: newest }),
    ...(last.blocked && { blocked: last.blocked }),
  };
}
