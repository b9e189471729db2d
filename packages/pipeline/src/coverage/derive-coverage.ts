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

/**
 * Coverage rows of the requested days, counted from the stored rows (the committed files): rows
 * present; for tables whose rows come at a fixed step (candles, hourly open interest) the slots due
 * while the market was listed and closed by `nowMs`, and the minutes of those that are missing; for
 * candles, the zero-volume ones at or after the delisting (printed by the exchange, not trading).
 * Sources are this run's for the day joined with those an earlier derivation recorded.
 */
export async function deriveCoverage(p: {
  conn: DuckDBConnection;
  dir: string;
  spec: DatasetSpec | null;
  request: CoverageRequest;
  listing: ListingWindow | undefined;
  /** The day's earlier coverage row, for the sources it recorded. */
  previous: (day: number) => CoverageRow | undefined;
  nowMs: number;
}): Promise<CoverageRow[]> {
  const { request: r } = p;
  if (r.days.length === 0) return [];
  const first = Math.min(...r.days);
  const end = Math.max(...r.days) + DAY_MS;
  const step = cadenceMsOf(r.table);
  const listedFrom = p.listing?.listedAt ?? Number.NEGATIVE_INFINITY;
  const delistedAt = p.listing?.delistedAt ?? Number.POSITIVE_INFINITY;
  // A slot is due once it has closed (a candle opening at t closes at t + step), or once it has
  // begun for a table read as of now.
  const closedEnd = dueUntilOf(r.table, p.nowMs);
  const counts = await countByDay(p.conn, p.dir, p.spec, r, first, end, {
    dueFrom: step === undefined ? listedFrom : Math.floor(listedFrom / step) * step,
    dueUntil: Math.min(delistedAt, closedEnd),
    zombieFrom: isCandle(r.table) ? delistedAt : Number.POSITIVE_INFINITY,
  });
  return r.days.map((day) => {
    const c = counts.get(day) ?? { present: 0, due: 0, zombies: 0 };
    const lo = Math.max(day, listedFrom);
    const hi = Math.min(day + DAY_MS, delistedAt, closedEnd);
    const expected = step === undefined ? null : hi > lo ? Math.ceil(hi / step) - Math.floor(lo / step) : 0;
    const before = p.previous(day)?.sources ?? [];
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
      updated_at: p.nowMs,
    };
  });
}

/** Candles carry volume: a zero-volume one after the delisting is the exchange printing, not trading. */
const isCandle = (table: TableName): boolean => isCandleTable(table);

async function countByDay(
  conn: DuckDBConnection,
  dir: string,
  spec: DatasetSpec | null,
  r: CoverageRequest,
  startMs: number,
  endMs: number,
  bounds: { dueFrom: number; dueUntil: number; zombieFrom: number },
): Promise<Map<number, { present: number; due: number; zombies: number }>> {
  const def = tableDef(r.table);
  const byBase = def.partition.byBase;
  const files = (spec?.tables[r.table]?.files ?? []).filter(
    (f) =>
      f.rows > 0 &&
      (!byBase || parsePartitionPath(f.path)?.base === r.base) &&
      f.min_ts !== null &&
      f.max_ts !== null &&
      Date.parse(f.min_ts) < endMs &&
      Date.parse(f.max_ts) >= startMs,
  );
  const out = new Map<number, { present: number; due: number; zombies: number }>();
  if (files.length === 0) return out;
  const ts = def.timeColumn;
  const hasMarket = Object.hasOwn(def.columns, "market");
  const ms = (v: number) => (Number.isFinite(v) ? v : v > 0 ? 8_640_000_000_000 : 0);
  const zombie = isCandle(r.table) ? `volume = 0 AND epoch_ms(${ts}) >= $zombieFrom` : "false";
  const list = files.map((f) => quoteSqlString(path.join(dir, f.path))).join(", ");
  const reader = await conn.runAndReadAll(
    `SELECT (epoch_ms(date_trunc('day', ${ts})))::DOUBLE AS day, count(*)::DOUBLE, ` +
      `(count(*) FILTER (WHERE epoch_ms(${ts}) >= $dueFrom AND epoch_ms(${ts}) < $dueUntil))::DOUBLE, ` +
      `(count(*) FILTER (WHERE ${zombie}))::DOUBLE ` +
      `FROM read_parquet([${list}]) WHERE exchange = $exchange AND symbol = $symbol` +
      (hasMarket ? " AND market = $market" : "") +
      ` AND epoch_ms(${ts}) >= $start AND epoch_ms(${ts}) < $end GROUP BY 1`,
    {
      exchange: r.exchange,
      symbol: r.symbol,
      ...(hasMarket && { market: r.market }),
      start: startMs,
      end: endMs,
      dueFrom: ms(bounds.dueFrom),
      dueUntil: ms(bounds.dueUntil),
      ...(isCandle(r.table) && { zombieFrom: ms(bounds.zombieFrom) }),
    },
  );
  for (const [day, present, due, zombies] of reader.getRows()) {
    out.set(Number(day), { present: Number(present), due: Number(due), zombies: Number(zombies) });
  }
  return out;
}
