import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { tableDef, type TableName } from "@cexdata/schema";
import { openDuckDB, type DuckDBHandle } from "../src/store/duckdb.js";
import { validateRows } from "../src/validate/index.js";
import { validateInDuckDB } from "../src/validate/validate-sql.js";

/**
 * The archive importer validates in SQL; the REST path validates in JS. This proves both are one
 * definition: the same rows accepted, the same rows refused for the same reasons.
 */
const NOW = Date.UTC(2024, 5, 1);
const T0 = Date.UTC(2024, 4, 1);
let db: DuckDBHandle;
let n = 0;

beforeAll(async () => {
  db = await openDuckDB();
});
afterAll(() => db.close());

function literal(v: unknown, type: string): string {
  if (v === null || v === undefined)
    return `CAST(NULL AS ${type === "TIMESTAMP_MS" ? "TIMESTAMP_MS" : type})`;
  if (type === "TIMESTAMP_MS") return `CAST(epoch_ms(${Number(v)}::BIGINT) AS TIMESTAMP_MS)`;
  if (typeof v === "number")
    return Number.isFinite(v) ? `CAST(${v} AS ${type})` : `CAST('${String(v)}' AS DOUBLE)`;
  return `'${String(v)}'`;
}

async function sqlVerdicts(table: TableName, rows: Record<string, unknown>[]) {
  const columns = Object.entries(tableDef(table).columns);
  const values = rows
    .map((r, i) => `(${i}, ${columns.map(([name, c]) => literal(r[name], c.type)).join(", ")})`)
    .join(",\n");
  const source = `src_${n}`;
  await db.connection.run(
    `CREATE TEMP TABLE ${source} AS SELECT * FROM (VALUES ${values}) v(_i, ${columns.map(([c]) => `"${c}"`).join(", ")})`,
  );
  const rel = await validateInDuckDB({ conn: db.connection, table, source, nowMs: NOW, prefix: `v${n++}` });
  const read = async (sql: string) =>
    (await db.connection.runAndReadAll(sql)).getRowObjectsJS().map((r) => ({ ...r, ts: Number(r["ts"]) }));
  return {
    accepted: await read(`SELECT * EXCLUDE (ts), epoch_ms(ts) AS ts FROM ${rel.accepted}`),
    rejected: await read(`SELECT * EXCLUDE (ts), epoch_ms(ts) AS ts FROM ${rel.rejected}`),
  };
}

const key = (r: Record<string, unknown>) =>
  `${String(r["symbol"])}|${String(r["ts"])}|${String(r["reason"] ?? "")}`;

async function expectSameVerdicts(table: TableName, rows: Record<string, unknown>[]) {
  const js = validateRows(table, rows, { source: "archive", nowMs: NOW });
  const sql = await sqlVerdicts(table, rows);
  expect(sql.accepted.map(key).sort()).toEqual(js.accepted.map((r) => key(r)).sort());
  const jsRejected = [
    ...new Set(js.rejected.map((r) => key({ ...(r.row as object), reason: r.reason }))),
  ].sort();
  const sqlRejected = [...new Set(sql.rejected.map(key))].sort();
  expect(sqlRejected).toEqual(jsRejected);
  return js;
}

/** The rejected rows as [ts, reason], in ts order. */
const verdictsOf = (v: ReturnType<typeof validateRows>) =>
  v.rejected
    .map((r) => [Number((r.row as { ts: unknown }).ts), r.reason] as const)
    .sort((a, b) => a[0] - b[0]);

const candle = (i: number, over: Record<string, unknown> = {}) => ({
  exchange: "binance",
  market: "spot",
  symbol: "BTC/USDT",
  ts: T0 + i * 60_000,
  base: "BTC",
  quote: "USDT",
  open: 100,
  high: 110,
  low: 90,
  close: 105,
  volume: 3,
  quote_volume: 300,
  trades: 7,
  taker_buy_volume: 1,
  taker_buy_quote_volume: 100,
  ...over,
});

describe("archive SQL validation equals validateRows", () => {
  test("candles: every shape and rule failure, and duplicates", async () => {
    const rows = [
      candle(0),
      candle(1, { trades: null, quote_volume: null }),
      candle(2, { open: Number.NaN }),
      candle(3, { high: Number.POSITIVE_INFINITY }),
      candle(4, { low: 0 }),
      candle(5, { close: -1 }),
      candle(6, { volume: -0.5 }),
      candle(7, { quote_volume: -1 }),
      candle(8, { trades: -3 }),
      candle(9, { open: null }),
      candle(10, { low: 106 }),
      candle(11, { high: 104 }),
      candle(12, { ts: T0 + 12 * 60_000 + 1 }),
      candle(13, { ts: NOW - 30_000 }),
      candle(14, { ts: NOW + 60_000 }),
      candle(15),
      candle(15),
      candle(16),
      candle(16, { close: 104 }),
      candle(17, { volume: 0 }),
    ];
    const js = await expectSameVerdicts("ohlcv_1m", rows);
    expect(new Set(js.rejected.map((r) => r.reason))).toEqual(
      new Set([
        "non_finite_number",
        "price_not_positive",
        "negative_amount",
        "invalid_shape",
        "low_above_open_close",
        "high_below_open_close",
        "ts_not_aligned",
        "candle_not_closed",
        "conflicting_duplicate",
      ]),
    );
  });

  test("funding rates and open interest", async () => {
    const funding = (i: number, over: Record<string, unknown> = {}) => ({
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      ts: T0 + i * 8 * 3_600_000 + 7,
      base: "BTC",
      quote: "USDT",
      funding_rate: -0.0001,
      mark_price: null,
      interval_hours: 8,
      ...over,
    });
    const fundingVerdicts = await expectSameVerdicts("funding_rates", [
      funding(0),
      funding(1, { funding_rate: Number.NaN }),
      funding(2, { ts: NOW + 1 }),
      funding(3, { interval_hours: null }),
      funding(4, { mark_price: 0 }),
    ]);
    // Not only the same verdicts from both: the right ones.
    expect(fundingVerdicts.accepted.map((r) => (r as unknown as { ts: number }).ts)).toEqual([funding(0).ts]);
    expect(verdictsOf(fundingVerdicts)).toEqual([
      [funding(1).ts, "non_finite_number"],
      [funding(3).ts, "invalid_shape"],
      [funding(4).ts, "price_not_positive"],
      [NOW + 1, "ts_in_future"],
    ]);
    const oi = (i: number, over: Record<string, unknown> = {}) => ({
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      ts: T0 + i * 3_600_000,
      base: "BTC",
      quote: "USDT",
      open_interest: 1000,
      open_interest_value: null,
      ...over,
    });
    const oiVerdicts = await expectSameVerdicts("open_interest", [
      oi(0),
      oi(1, { open_interest: -1 }),
      oi(2, { ts: NOW + 5 }),
      oi(3),
    ]);
    expect(oiVerdicts.accepted.map((r) => (r as unknown as { ts: number }).ts)).toEqual([oi(0).ts, oi(3).ts]);
    expect(verdictsOf(oiVerdicts)).toEqual([
      [oi(1).ts, "negative_amount"],
      [NOW + 5, "ts_in_future"],
    ]);
  });

  test("one series: rows in time order are known to be in key order (no sort, no repeat), a row out of place is not", async () => {
    const columns = Object.entries(tableDef("ohlcv_1m").columns);
    const series = { exchange: "binance", market: "spot", symbol: "BTC/USDT", base: "BTC", quote: "USDT" };
    const cases: [number[], boolean][] = [
      [[0, 1, 2, 5, 6], true],
      [[0, 2, 1, 3], false],
      [[0, 1, 1, 2], false],
    ];
    for (const [minutes, inKeyOrder] of cases) {
      // A refused row (high below open) out of place does not matter: only valid rows count.
      const rows = [...minutes.map((m) => candle(m)), candle(-5, { high: 1 })];
      const values = rows.map(
        (r) => `(${columns.map(([name, c]) => literal(r[name as keyof typeof r], c.type)).join(", ")})`,
      );
      const source = `series_${n}`;
      await db.connection.run(
        `CREATE TEMP TABLE ${source} AS SELECT * FROM (VALUES ${values.join(", ")}) v(${columns.map(([c]) => `"${c}"`).join(", ")})`,
      );
      const rel = await validateInDuckDB({
        conn: db.connection,
        table: "ohlcv_1m",
        source,
        constants: series,
        nowMs: NOW,
        prefix: `o${n++}`,
      });
      expect(rel.inKeyOrder).toBe(inKeyOrder);
      const accepted = await db.connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ${rel.accepted}`);
      expect(accepted.getRows()).toEqual([[new Set(minutes).size]]);
    }
  });
});
