import { assetSchema } from "./enums.js";
import { TABLES, type TableName } from "./tables.js";

/**
 * The file a row belongs to: `data/<table>/base=<BASE>/<period>.parquet`, where period is
 * `YYYY-MM` (monthly tables), `YYYY` (yearly tables) or `all`. Tables not cut by base
 * (exchange_info, token_info) live in `data/<table>/all.parquet`.
 * Identical on local disk and on the Hub.
 */
export function partitionPath(table: TableName, key: { base?: string; tsMs?: number }): string {
  const rule = TABLES[table].partition;
  const parts = ["data", table];
  if (rule.byBase) {
    const base = assetSchema.safeParse(key.base);
    if (!base.success)
      throw new RangeError(`partitionPath(${table}): invalid base ${JSON.stringify(key.base)}`);
    parts.push(`base=${base.data}`);
  }
  parts.push(`${periodOf(rule.period, table, key.tsMs)}.parquet`);
  return parts.join("/");
}

function periodOf(period: "month" | "year" | "none", table: string, tsMs: number | undefined): string {
  if (period === "none") return "all";
  if (tsMs === undefined || !Number.isFinite(tsMs)) {
    throw new RangeError(`partitionPath(${table}): a timestamp is needed to choose the ${period} file`);
  }
  const iso = new Date(tsMs).toISOString();
  return period === "month" ? iso.slice(0, 7) : iso.slice(0, 4);
}

/** The [start, end) epoch-ms range a partition file of a time-cut table can hold; unbounded otherwise. */
export function partitionTimeRange(path: string): { startMs: number; endMs: number } {
  const period = /\/(\d{4})(?:-(\d{2}))?\.parquet$/.exec(path);
  if (!period) return { startMs: -Infinity, endMs: Infinity };
  const year = Number(period[1]);
  if (period[2] === undefined) return { startMs: Date.UTC(year, 0, 1), endMs: Date.UTC(year + 1, 0, 1) };
  const month = Number(period[2]) - 1;
  return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
}

/** Parses `data/<table>/base=<BASE>/<period>.parquet` back into its parts, or null if it is not one. */
export function parsePartitionPath(
  path: string,
): { table: TableName; base: string | null; period: string } | null {
  const m =
    /^data\/([a-z0-9_]+)\/(?:base=([A-Z0-9][A-Z0-9._-]{0,31})\/)?(all|\d{4}|\d{4}-\d{2})\.parquet$/.exec(
      path,
    );
  if (!m || !m[1] || !m[3] || !Object.hasOwn(TABLES, m[1])) return null;
  const table = m[1] as TableName;
  if (TABLES[table].partition.byBase !== (m[2] !== undefined)) return null;
  return { table, base: m[2] ?? null, period: m[3] };
}
