import path from "node:path";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import {
  baseOf,
  cadenceMsOf,
  candleMsOf,
  isKeyedByMarket,
  parsePartitionPath,
  quoteSqlString,
  type DatasetSpec,
  type TableName,
} from "@cexdata/schema";

/**
 * The one gap finder. A series whose rows come at a fixed step (a candle table, hourly open
 * interest: the schema's `cadence`) has a gap wherever a step holds no row. In JS for rows a run has
 * in hand (`missingRuns`), in DuckDB for stored files (`findSeriesRuns`): one definition, a LAG over
 * the timestamps, so a year of minutes never comes into JS.
 */

/** A stretch [startMs, endMs) of missing steps. */
export interface MissingStretch {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The missing steps of a series: between consecutive timestamps more than `stepMs` apart, and with a
 * `range`, also before the first and after the last aligned timestamp inside it (up to the range's
 * end rounded up to a step). `tsAscending` need not be unique.
 */
export function missingRuns(
  tsAscending: readonly number[],
  stepMs: number,
  range?: { readonly startMs: number; readonly endMs: number },
): MissingStretch[] {
  const out: MissingStretch[] = [];
  let ts = tsAscending;
  let first: number | undefined;
  let end: number | undefined;
  if (range) {
    first = Math.ceil(range.startMs / stepMs) * stepMs;
    end = Math.ceil(range.endMs / stepMs) * stepMs;
    const lo = first;
    ts = ts.filter((t) => t >= lo && t < range.endMs && t % stepMs === 0);
  }
  let previous: number | undefined = first === undefined ? undefined : first - stepMs;
  for (const t of ts) {
    if (previous !== undefined && t - previous > stepMs) out.push({ startMs: previous + stepMs, endMs: t });
    if (previous === undefined || t > previous) previous = t;
  }
  if (end !== undefined && previous !== undefined && previous + stepMs < end)
    out.push({ startMs: previous + stepMs, endMs: end });
  return out;
}

/** One stored series and its holes. */
export interface SeriesRuns {
  readonly exchange: string;
  readonly market: string | null;
  readonly symbol: string;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Distinct timestamps present. */
  readonly present: number;
  /** Missing stretches between stored rows. */
  readonly missing: MissingStretch[];
}

export interface FindSeriesRunsParams {
  readonly files: readonly string[];
  readonly stepMs: number;
  /** Whether the table has a `market` column (series are told apart by it). */
  readonly hasMarket: boolean;
  /** Only this series (default: every series in the files). */
  readonly series?: { readonly exchange: string; readonly symbol: string; readonly market?: string };
  /** Only timestamps in [startMs, endMs). */
  readonly range?: { readonly startMs: number; readonly endMs: number };
}

const EPOCH_MS = "epoch_ms(CAST(ts AS TIMESTAMP))";

function seriesFilter(p: FindSeriesRunsParams): { where: string; values: Record<string, DuckDBValue> } {
  const clauses: string[] = ["true"];
  const values: Record<string, DuckDBValue> = {};
  if (p.series) {
    clauses.push("exchange = $exchange", "symbol = $symbol");
    values["exchange"] = p.series.exchange;
    values["symbol"] = p.series.symbol;
    if (p.hasMarket && p.series.market !== undefined) {
      clauses.push("market = $market");
      values["market"] = p.series.market;
    }
  }
  return { where: clauses.join(" AND "), values };
}

/** Every series stored in `files` with its first and last timestamp, how many are present, and its holes. */
export async function findSeriesRuns(conn: DuckDBConnection, p: FindSeriesRunsParams): Promise<SeriesRuns[]> {
  if (p.files.length === 0) return [];
  const { where, values } = seriesFilter(p);
  let inRange = "";
  if (p.range) {
    inRange = ` AND ${EPOCH_MS} >= $start_ms AND ${EPOCH_MS} < $end_ms`;
    values["start_ms"] = BigInt(p.range.startMs);
    values["end_ms"] = BigInt(p.range.endMs);
  }
  // One series asked for by its whole key: its rows are its timestamps alone. The DISTINCT and the
  // LAG then hold 8 bytes a row, not three strings besides: the gaps of a year of minutes took
  // ~90 MB of RSS with the strings, past what a month's import and commit take.
  const one = p.series !== undefined && (!p.hasMarket || p.series.market !== undefined) ? p.series : null;
  const market = p.hasMarket ? "market" : "CAST(NULL AS VARCHAR) AS market";
  const key = one ? [] : ["exchange", "market", "symbol"];
  const source = `SELECT DISTINCT ${one ? "" : `exchange, ${market}, symbol, `}${EPOCH_MS} AS ts
    FROM read_parquet([${p.files.map(quoteSqlString).join(", ")}]) WHERE ${where}${inRange}`;
  const summary = await conn.runAndReadAll(
    `SELECT ${key.map((k) => `${k}, `).join("")}min(ts)::DOUBLE, max(ts)::DOUBLE, count(*)::DOUBLE
     FROM (${source}) ${one ? "HAVING count(*) > 0" : "GROUP BY ALL ORDER BY ALL"}`,
    values,
  );
  const runs = await conn.runAndReadAll(
    `SELECT ${key.map((k) => `${k}, `).join("")}(prev + ${p.stepMs})::DOUBLE, ts::DOUBLE FROM (
       SELECT *, lag(ts) OVER (${one ? "" : "PARTITION BY exchange, market, symbol "}ORDER BY ts) AS prev FROM (${source})
     ) WHERE ts - prev > ${p.stepMs} ORDER BY ALL`,
    values,
  );
  const series = (row: readonly unknown[]): [string, string | null, string] =>
    one
      ? [one.exchange, p.hasMarket ? one.market! : null, one.symbol]
      : (row.slice(0, 3) as [string, string | null, string]);
  const id = (s: readonly unknown[]) => s.map(String).join("\u0001");
  const missing = new Map<string, MissingStretch[]>();
  for (const row of runs.getRows()) {
    const [startMs, endMs] = row.slice(key.length) as [number, number];
    const of = id(series(row));
    const list = missing.get(of) ?? [];
    list.push({ startMs, endMs });
    missing.set(of, list);
  }
  return summary.getRows().map((row) => {
    const [exchange, market, symbol] = series(row);
    const [firstMs, lastMs, present] = row.slice(key.length) as [number, number, number];
    const stretches = missing.get(id([exchange, market, symbol])) ?? [];
    return { exchange, market, symbol, firstMs, lastMs, present, missing: stretches };
  });
}

/** How many stored rows of one series lie before and after a range (to tell a hole from a listing). */
export async function countOutsideRange(
  conn: DuckDBConnection,
  p: Required<Pick<FindSeriesRunsParams, "files" | "hasMarket" | "series" | "range">>,
): Promise<{ before: number; after: number }> {
  if (p.files.length === 0) return { before: 0, after: 0 };
  const { where, values } = seriesFilter({ ...p, stepMs: 1 });
  values["start_ms"] = BigInt(p.range.startMs);
  values["end_ms"] = BigInt(p.range.endMs);
  const reader = await conn.runAndReadAll(
    `SELECT count(*) FILTER (WHERE ${EPOCH_MS} < $start_ms)::DOUBLE, count(*) FILTER (WHERE ${EPOCH_MS} >= $end_ms)::DOUBLE
     FROM read_parquet([${p.files.map(quoteSqlString).join(", ")}])
     WHERE ${where} AND (${EPOCH_MS} < $start_ms OR ${EPOCH_MS} >= $end_ms)`,
    values,
  );
  const [before, after] = (reader.getRows()[0] ?? [0, 0]) as [number, number];
  return { before, after };
}

/** A run of candles missing inside a series: `missing` candles from `start` to `end` inclusive. */
export interface MissingRun {
  readonly start: string;
  readonly end: string;
  readonly missing: number;
}

/** Coverage of one OHLCV series: how many candles it should have between its first and last, and has. */
export interface SeriesCoverage {
  readonly table: TableName;
  readonly exchange: string;
  readonly market: string;
  readonly symbol: string;
  readonly first: string;
  readonly last: string;
  readonly expected: number;
  readonly present: number;
  readonly gaps: MissingRun[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Every series of a candle table stored in `files` (absolute paths from the verified manifest) with
 * the candles expected between its first and last, those present, and the runs missing. Gaps are
 * facts to report (exchange outages), not errors.
 */
export async function findSeriesGaps(
  conn: DuckDBConnection,
  table: TableName,
  files: readonly string[],
): Promise<SeriesCoverage[]> {
  const ms = candleMsOf(table);
  if (ms === undefined) return [];
  const series = await findSeriesRuns(conn, { files, stepMs: ms, hasMarket: isKeyedByMarket(table) });
  return series.map((s) => ({
    table,
    exchange: s.exchange,
    market: s.market ?? "perp",
    symbol: s.symbol,
    first: iso(s.firstMs),
    last: iso(s.lastMs),
    expected: Math.round((s.lastMs - s.firstMs) / ms) + 1,
    present: s.present,
    gaps: s.missing.map((r) => ({
      start: iso(r.startMs),
      end: iso(r.endMs - ms),
      missing: Math.round((r.endMs - r.startMs) / ms),
    })),
  }));
}

export interface SeriesGaps {
  /** First and last stored ts of the series in the range (null when nothing is stored). */
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Missing stretches [startMs, endMs) inside the series (stored rows on both sides). */
  readonly interior: MissingStretch[];
  /** Missing stretches at an end of the series: before its first / after its last stored row (listing, delisting). */
  readonly edges: MissingStretch[];
}

/**
 * The missing rows of one series in [startMs, endMs), from the committed Parquet files of its base
 * (as spec.json lists them), by the store's gap finder; stretches at the ends of the range are holes
 * when the series goes on past that end, else its listing or delisting.
 */
export async function findGaps(params: {
  conn: DuckDBConnection;
  dir: string;
  spec: DatasetSpec | null;
  table: TableName;
  series: { exchange: string; symbol: string; market?: string };
  startMs: number;
  endMs: number;
}): Promise<SeriesGaps> {
  const step = cadenceMsOf(params.table);
  if (step === undefined) return { firstMs: null, lastMs: null, interior: [], edges: [] };
  const startMs = Math.ceil(params.startMs / step) * step;
  const endMs = Math.ceil(params.endMs / step) * step;
  if (endMs <= startMs) return { firstMs: null, lastMs: null, interior: [], edges: [] };
  const base = baseOf(params.series.symbol);
  const all = (params.spec?.tables[params.table]?.files ?? []).filter(
    (f) => parsePartitionPath(f.path)?.base === base,
  );
  const paths = (files: typeof all) => files.map((f) => path.join(params.dir, f.path));
  const inRange = all
    .filter((f) => f.max_ts === null || Date.parse(f.max_ts) >= startMs)
    .filter((f) => f.min_ts === null || Date.parse(f.min_ts) < endMs);
  const empty = { firstMs: null, lastMs: null, interior: [], edges: [{ startMs, endMs }] };
  if (inRange.length === 0) return empty;
  const hasMarket = isKeyedByMarket(params.table);
  const range = { startMs, endMs };
  const [found] = await findSeriesRuns(params.conn, {
    files: paths(inRange),
    stepMs: step,
    hasMarket,
    series: params.series,
    range,
  });
  if (found === undefined) return empty;
  const { before, after } = await countOutsideRange(params.conn, {
    files: paths(all),
    hasMarket,
    series: params.series,
    range,
  });
  const first = found.firstMs;
  const last = found.lastMs;
  const interior: MissingStretch[] = [...found.missing];
  const edges: MissingStretch[] = [];
  // A stretch at an end of the range is a hole in the series when the series goes on past that end.
  if (first > startMs) (before > 0 ? interior : edges).unshift({ startMs, endMs: first });
  if (last + step < endMs) (after > 0 ? interior : edges).push({ startMs: last + step, endMs });
  return { firstMs: first, lastMs: last, interior, edges };
}
