import { TABLES, type MergeRule, type TableName } from "@cexdata/schema";
import type { RowSource } from "../validate/index.js";

/**
 * How the store settles two rows with one primary key, decided once per table. The merge keeps the
 * newest row where the policy says so, then the row with the highest `rank` (by source, stored rows
 * included), then among staged rows of one rank the first or the last staged. A rerun staging the same rows writes the same bytes either way.
 */
export interface MergePolicy {
  readonly kind: MergeRule;
  /** Snapshots: the row with the latest value of the table's time column (`updated_at`) wins first. */
  readonly newestFirst: boolean;
  readonly rank: Readonly<Record<RowSource | "stored", number>>;
  readonly amongStaged: "first" | "last";
}

/**
 * Time series: a closed candle (funding, snapshot of open interest, liquidation) does not change,
 * so what is stored wins over REST and websocket rows and reruns cannot flip it; the archive is the
 * exchange's own record and wins over both. A replay re-derives rows from the exchange's own bodies
 * with a fixed parser, so it wins over what the old parser stored (and yields to the archive).
 */
const TIME_SERIES: MergePolicy = {
  kind: "time-series",
  newestFirst: false,
  rank: { archive: 4, replay: 3, stored: 2, rest: 1, ws: 1 },
  amongStaged: "first",
};

/**
 * Snapshots (a market's state, a token's summary): the newest row is the truth — latest `updated_at`,
 * then a staged row over the stored one, then the last staged. By `updated_at` first so that merging
 * shards (each seeded with the others' older rows) keeps every exchange's fresh rows.
 */
const SNAPSHOT: MergePolicy = {
  kind: "snapshot",
  newestFirst: true,
  rank: { archive: 2, rest: 2, ws: 2, replay: 2, stored: 1 },
  amongStaged: "last",
};

const POLICIES: Readonly<Record<MergeRule, MergePolicy>> = { "time-series": TIME_SERIES, snapshot: SNAPSHOT };

/** The merge policy of every table, by the rule its schema entry names (`TABLES[t].merge`). */
export const MERGE_POLICIES = Object.fromEntries(
  Object.values(TABLES).map((t) => [t.name, POLICIES[t.merge]]),
) as Readonly<Record<TableName, MergePolicy>>;

export function mergePolicyOf(table: TableName): MergePolicy {
  return MERGE_POLICIES[table];
}
