import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  cadenceMsOf,
  dueUntilOf,
  isCandleTable,
  parsePartitionPath,
  tableDef,
  type CoverageRow,
  type DatasetSpec,
  type Market,
  type TableName,
} from "@cexdata/schema";
import { quoteSqlString } from "../store/index.js";

export const DAY_MS = 86_400_000;

/** One series and the UTC days (their 00:00, epoch ms) whose coverage is derived again. */
export interface CoverageRequest {
  readonly table: TableName;
  readonly exchange: string;
  readonly market: Market;
  readonly symbol: string;
  readonly base: string;
  readonly days: readonly number[];
  /** Per day, where this run's rows of it came from (`archive`, `rest`, `websocket`). */
  readonly sourcesByDay: ReadonlyMap<number, readonly string[]>;
}

/** When a market was listed: `listed_at` / `delisted_at` of its exchange_info row (null: unknown / still listed). */
export interface ListingWindow {
  readonly listedAt: number | null;
  readonly delistedAt: number | null;
}

/** One series' request with what its rows are counted against. */
export interface CoverageJob {
  readonly request: CoverageRequest;
  readonly listing: ListingWindow | undefined;
}

/** The bounds a series' rows are counted within (see `deriveCoverage`). */
interface CountBounds {
  readonly start: number;
  readonly end: number;
  readonly dueFrom: number;
  readonly dueUntil: number;
  readonly zombieFrom: number;
}

type DayCounts = { present: number; due: number; zombies: number };

/**
 * Coverage rows of the requested days, counted from the stored rows (the committed files): rows
 * present; for tables whose rows come at a fixed step (candles, hourly open interest) the slots due
 * while the market was listed and closed by `nowMs`, and the minutes of those that are missing; for
 * candles, the zero-volume ones at or after the delisting (printed by the exchange, not trading).
 * Sources are this run's for the day joined with those an earlier derivation recorded. The series
 * of a table are counted in one query over their files (a run touches hundreds of series: one query
 * each spent most of the end of a cycle opening the same files again).
 */
export async function deriveCoverage(p: {
  conn: DuckDBConnection;
  dir: string;
  spec: DatasetSpec | null;
  jobs: readonly CoverageJob[];
  /** The day's earlier coverage row of a series, for the sources it recorded. */
  previous: (request: CoverageRequest, day: number) => CoverageRow | undefined;
  nowMs: number;
}): Promise<CoverageRow[]> {
  const byTable = new Map<TableName, { job: CoverageJob; bounds: CountBounds }[]>();
  for (const job of p.jobs) {
    const { request: r, listing } = job;
    if (r.days.length === 0) continue;
    const step = cadenceMsOf(r.table);
    const listedFrom = listing?.listedAt ?? Number.NEGATIVE_INFINITY;
    const delistedAt = listing?.delistedAt ?? Number.POSITIVE_INFINITY;
    // A slot is due once it has closed (a candle opening at t closes at t + step), or once it has
    // begun for a table read as of now.
    const bounds: CountBounds = {
      start: Math.min(...r.days),
      end: Math.max(...r.days) + DAY_MS,
      dueFrom: step === undefined ? listedFrom : Math.floor(listedFrom / step) * step,
      dueUntil: Math.min(delistedAt, dueUntilOf(r.table, p.nowMs)),
      zombieFrom: isCandle(r.table) ? delistedAt : Number.POSITIVE_INFINITY,
    };
    const list = byTable.get(r.table);
    if (list) list.push({ job, bounds });
    else byTable.set(r.table, [{ job, bounds }]);
  }
  const rows: CoverageRow[] = [];
  for (const [table, jobs] of byTable) {
    const counts = await countByDay(p.conn, p.dir, p.spec, table, jobs);
    jobs.forEach(({ job }, i) => rows.push(...coverageRows(job, counts[i]!, p.previous, p.nowMs)));
  }
  return rows;
}

function coverageRows(
  { request: r, listing }: CoverageJob,
  counts: ReadonlyMap<number, DayCounts>,
  previous: (request: CoverageRequest, day: number) => CoverageRow | undefined,
  nowMs: number,
): CoverageRow[] {
  const step = cadenceMsOf(r.table);
  const listedFrom = listing?.listedAt ?? Number.NEGATIVE_INFINITY;
  const delistedAt = listing?.delistedAt ?? Number.POSITIVE_INFINITY;
  const closedEnd = dueUntilOf(r.table, nowMs);
  return r.days.map((day) => {
    const c = counts.get(day) ?? { present: 0, due: 0, zombies: 0 };
    const lo = Math.max(day, listedFrom);
    const hi = Math.min(day + DAY_MS, delistedAt, closedEnd);
    const expected = step === undefined ? null : hi > lo ? Math.ceil(hi / step) - Math.floor(lo / step) : 0;
    const before = previous(r, day)?.sources ?? [];
    const sources = [...new Set([...before, ...(r.sourcesByDay.get(day) ?? [])])].sort();
    return {
      exchange: r.exchange,
      market: r.market,
      symbol: r.symbol,
      table_name: r.table,
      day,
      base: r.base,
      expected,
      present: c.present,
      missing_minutes:
        expected === null || step === undefined ? null : (Math.max(0, expected - c.due) * step) / 60_000,
      sources,
      listed_all_day: listedFrom <= day && delistedAt >= day + DAY_MS,
      zombie_rows: c.zombies,
      updated_at: nowMs,
    };
  });
}

/** Candles carry volume: a zero-volume one after the delisting is the exchange printing, not trading. */
const isCandle = (table: TableName): boolean => isCandleTable(table);

/** A bound as a finite number DuckDB takes (an open end as far as its timestamps go). */
const finite = (v: number) => (Number.isFinite(v) ? v : v > 0 ? 8_640_000_000_000 : 0);

/**
 * Rows per UTC day of each series of one table (in the order given), with the due and zombie counts
 * within its bounds: one scan of the files any of them may have rows in, joined to the series.
 */
async function countByDay(
  conn: DuckDBConnection,
  dir: string,
  spec: DatasetSpec | null,
  table: TableName,
  jobs: readonly { job: CoverageJob; bounds: CountBounds }[],
): Promise<Map<number, DayCounts>[]> {
  const out = jobs.map(() => new Map<number, DayCounts>());
  const def = tableDef(table);
  const byBase = def.partition.byBase;
  const bases = new Set(jobs.map(({ job }) => job.request.base));
  const start = Math.min(...jobs.map(({ bounds }) => bounds.start));
  const end = Math.max(...jobs.map(({ bounds }) => bounds.end));
  const files = (spec?.tables[table]?.files ?? []).filter(
    (f) =>
      f.rows > 0 &&
      (!byBase || bases.has(parsePartitionPath(f.path)?.base ?? "")) &&
      f.min_ts !== null &&
      f.max_ts !== null &&
      Date.parse(f.min_ts) < end &&
      Date.parse(f.max_ts) >= start,
  );
  if (files.length === 0) return out;
  const ts = def.timeColumn;
  const hasMarket = Object.hasOwn(def.columns, "market");
  const zombie = isCandle(table) ? `t.volume = 0 AND epoch_ms(t.${ts}) >= q.zombie_from` : "false";
  const list = files.map((f) => quoteSqlString(path.join(dir, f.path))).join(", ");
  const values = jobs
    .map(({ job: { request: r }, bounds: b }, i) =>
      [
        String(i),
        quoteSqlString(r.exchange),
        quoteSqlString(r.symbol),
        quoteSqlString(r.market),
        ...[b.start, b.end, b.dueFrom, b.dueUntil, b.zombieFrom].map((v) => `${finite(v)}::DOUBLE`),
      ].join(", "),
    )
    .map((row) => `(${row})`)
    .join(",\n");
  const reader = await conn.runAndReadAll(
    `WITH q(i, exchange, symbol, market, start_ms, end_ms, due_from, due_until, zombie_from) AS (VALUES ${values}) ` +
      `SELECT q.i, (epoch_ms(date_trunc('day', t.${ts})))::DOUBLE AS day, count(*)::DOUBLE, ` +
      `(count(*) FILTER (WHERE epoch_ms(t.${ts}) >= q.due_from AND epoch_ms(t.${ts}) < q.due_until))::DOUBLE, ` +
      `(count(*) FILTER (WHERE ${zombie}))::DOUBLE ` +
      `FROM read_parquet([${list}]) t JOIN q ON t.exchange = q.exchange AND t.symbol = q.symbol` +
      (hasMarket ? " AND t.market = q.market" : "") +
      ` AND epoch_ms(t.${ts}) >= q.start_ms AND epoch_ms(t.${ts}) < q.end_ms GROUP BY 1, 2`,
  );
  for (const [i, day, present, due, zombies] of reader.getRows()) {
    out[Number(i)]!.set(Number(day), {
      present: Number(present),
      due: Number(due),
      zombies: Number(zombies),
    });
  }
  return out;
}
