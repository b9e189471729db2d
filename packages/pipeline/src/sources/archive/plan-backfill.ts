import type { TableName } from "@cexdata/schema";
import { BINANCE_ARCHIVED_TABLES } from "../../exchanges/binance.js";
import type { ArchiveTable } from "./archive-rows-sql.js";
import { DAY_MS, type TimeRange } from "./archive-files.js";

/** Where a backfill's rows come from: the archive only, REST only, or the archive then REST (default). */
export type BackfillSource = "archive" | "rest" | "auto";
export const BACKFILL_SOURCES: readonly BackfillSource[] = ["archive", "rest", "auto"];

/** The tables the archive publishes: Binance's file declares them. */
export const ARCHIVE_TABLES = BINANCE_ARCHIVED_TABLES;

export function isArchiveTable(table: TableName): table is ArchiveTable {
  return (ARCHIVE_TABLES as readonly string[]).includes(table);
}

export interface BackfillPlan {
  /** Whole UTC days the archive may cover (published the day after). */
  readonly archive: TimeRange[];
  /** What only REST can serve: partial days at the edges, today, tables the archive lacks. */
  readonly rest: TimeRange[];
}

/**
 * Splits [startMs, endMs) into the complete past UTC days the archive can serve and the REST
 * remainder. `rest` sends everything to REST; `archive` and `auto` plan alike (the caller decides
 * whether the remainder is fetched: `archive` leaves it, `auto` fetches it). Only the tables the
 * archive publishes, and only Binance, ever get archive days.
 */
export function planBackfill(params: {
  source: BackfillSource;
  table: TableName;
  exchange?: string;
  startMs: number;
  endMs: number;
  nowMs: number;
}): BackfillPlan {
  const { startMs, endMs } = params;
  if (endMs <= startMs) return { archive: [], rest: [] };
  const whole = { startMs, endMs };
  if (
    params.source === "rest" ||
    !isArchiveTable(params.table) ||
    (params.exchange ?? "binance") !== "binance"
  ) {
    return { archive: [], rest: [whole] };
  }
  const today = Math.floor(params.nowMs / DAY_MS) * DAY_MS;
  const firstDay = Math.ceil(startMs / DAY_MS) * DAY_MS;
  const lastDay = Math.min(Math.floor(endMs / DAY_MS) * DAY_MS, today);
  if (lastDay <= firstDay) return { archive: [], rest: [whole] };
  const rest: TimeRange[] = [];
  if (startMs < firstDay) rest.push({ startMs, endMs: firstDay });
  if (lastDay < endMs) rest.push({ startMs: lastDay, endMs });
  return { archive: [{ startMs: firstDay, endMs: lastDay }], rest };
}
