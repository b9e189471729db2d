import { assetSchema } from "./enums.js";
import { TABLES, type PartitionRule, type TableName } from "./tables.js";

/**
 * The file a row belongs to: `data/<table>/base=<BASE>/<period>.parquet`, where period is
 * `YYYY-MM` (monthly tables), `YYYY` (yearly tables) or `all`. Tables not cut by base
 * (exchange_info, token_info) live in `data/<table>/all.parquet`.
 * A table with `compactClosedYears` keeps a year that has closed by `nowMs` (the writer's clock) in
 * one `YYYY` file (monthly tables) or in the base's `all` file of every closed year (yearly
 * tables, see `CLOSED_PERIOD`); without `nowMs` every year is taken as open.
 * Identical on local disk and on the Hub.
 */
export function partitionPath(
  table: TableName,
  key: { base?: string; tsMs?: number; nowMs?: number },
): string {
  const rule = TABLES[table].partition;
  const parts = ["data", table];
  if (rule.byBase) {
    const base = assetSchema.safeParse(key.base);
    if (!base.success)
      throw new RangeError(`partitionPath(${table}): invalid base ${JSON.stringify(key.base)}`);
    parts.push(`base=${base.data}`);
  }
  parts.push(`${periodOf(rule, table, key.tsMs, key.nowMs)}.parquet`);
  return parts.join("/");
}

function periodOf(
  rule: PartitionRule,
  table: string,
  tsMs: number | undefined,
  nowMs: number | undefined,
): string {
  if (rule.period === "none") return "all";
  if (tsMs === undefined || !Number.isFinite(tsMs)) {
    throw new RangeError(`partitionPath(${table}): a timestamp is needed to choose the ${rule.period} file`);
  }
  const iso = new Date(tsMs).toISOString();
  const closed = isClosedYear(rule, tsMs, nowMs);
  if (rule.period === "year") return closed ? CLOSED_PERIOD : iso.slice(0, 4);
  return closed ? iso.slice(0, 4) : iso.slice(0, 7);
}

/**
 * The period of a yearly table's file of every closed year (`compactClosedYears`): `all.parquet`
 * beside the open year's `YYYY.parquet`. A stable name, so a year closing rewrites one file and adds
 * none; and `all` because a released 1.x reader parses only `all|YYYY|YYYY-MM` (it refuses a
 * spec.json listing any other name) and picks an `all` file by its min/max ts, so it reads this file.
 */
export const CLOSED_PERIOD = "all";

/** Whether the year of `tsMs` has closed by `nowMs` for a table whose closed years are compacted. */
function isClosedYear(rule: PartitionRule, tsMs: number, nowMs: number | undefined): boolean {
  return (
    rule.compactClosedYears === true &&
    nowMs !== undefined &&
    new Date(tsMs).getUTCFullYear() < new Date(nowMs).getUTCFullYear()
  );
}

/**
 * Where the rows of an existing partition file belong at `nowMs`, in a table with
 * `compactClosedYears`: a month file of a closed year -> the year's file, a year file of a closed
 * year -> the base's `all` file (written while the year was open, or by a release that kept
 * them); else the file itself. A path that is not a partition is returned as is.
 */
export function compactedPartitionPath(path: string, nowMs: number): string {
  const parsed = parsePartitionPath(path);
  if (!parsed || !/^\d{4}(-\d{2})?$/.test(parsed.period)) return path;
  const rule = TABLES[parsed.table].partition;
  const monthly = parsed.period.length === 7;
  if (rule.period !== (monthly ? "month" : "year")) return path;
  if (!isClosedYear(rule, partitionTimeRange(path).startMs, nowMs)) return path;
  const to = monthly ? parsed.period.slice(0, 4) : CLOSED_PERIOD;
  return path.replace(/[^/]+\.parquet$/, `${to}.parquet`);
}

/**
 * The [start, end) epoch-ms range a partition file of a time-cut table can hold; unbounded otherwise.
 * A yearly table's `all` file (`compactClosedYears`) holds every year before the writer's: before
 * `nowMs`'s year given it, else unbounded (a reader that does not know when it was written).
 */
export function partitionTimeRange(path: string, nowMs?: number): { startMs: number; endMs: number } {
  if (nowMs !== undefined && path.endsWith(`/${CLOSED_PERIOD}.parquet`)) {
    const parsed = parsePartitionPath(path);
    const rule = parsed && TABLES[parsed.table].partition;
    if (rule?.period === "year" && rule.compactClosedYears)
      return { startMs: -Infinity, endMs: Date.UTC(new Date(nowMs).getUTCFullYear(), 0, 1) };
  }
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
