import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBInstance,
  LIST,
  listValue,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { ClientRow } from "@cexdata/schema";
import { loadTemplate, type TemplateValue } from "@cexdata/sql-templates";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  computePeriodsPerYear,
  computeReturns,
  computeRollingVolatility,
  computeSma,
} from "../src/analytics/index.js";
import { generateCandles } from "./analytics-candles.js";

// The TypeScript functions are the definitions; the SQL templates let the client compute the same
// thing in DuckDB. These tests run both on the same candles (two series, so partitioning is exercised).

const btc = generateCandles(150, { seed: 3 });
const eth = generateCandles(150, { seed: 4, symbol: "ETH/USDT" });
const window = 20;
const series = { exchanges: ["binance", "binance"], symbols: ["BTC/USDT", "ETH/USDT"], market: "spot" };
const range = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2025, 0, 1) };

let instance: DuckDBInstance;
let connection: DuckDBConnection;

async function createOhlcvView(rows: ClientRow<"ohlcv_1d">[]): Promise<void> {
  await connection.run(`CREATE TABLE candles (exchange VARCHAR, market VARCHAR, symbol VARCHAR, ts TIMESTAMP_MS,
    base VARCHAR, quote VARCHAR, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE,
    quote_volume DOUBLE, trades BIGINT)`);
  const appender = await connection.createAppender("candles");
  for (const r of rows) {
    appender.appendVarchar(r.exchange);
    appender.appendVarchar(r.market);
    appender.appendVarchar(r.symbol);
    appender.appendVarchar(r.ts.toISOString().replace("T", " ").replace("Z", ""));
    appender.appendVarchar(r.base);
    appender.appendVarchar(r.quote);
    for (const v of [r.open, r.high, r.low, r.close, r.volume, r.quoteVolume ?? 0]) appender.appendDouble(v);
    appender.appendBigInt(BigInt(r.trades ?? 0));
    appender.endRow();
  }
  appender.closeSync();
  // The templates read a view named `ohlcv`, as the client defines over the Parquet files.
  await connection.run("CREATE VIEW ohlcv AS SELECT * FROM candles");
}

async function runTemplate(
  name: string,
  params: Record<string, TemplateValue>,
): Promise<Record<string, unknown>[]> {
  const bound = loadTemplate(name, params);
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [key, v] of Object.entries(bound.values)) {
    if (Array.isArray(v)) [values[key], types[key]] = [listValue(v as string[]), LIST(VARCHAR)];
    else if (typeof v === "number")
      [values[key], types[key]] = Number.isInteger(v) ? [BigInt(v), BIGINT] : [v, DOUBLE];
    else if (typeof v === "boolean") [values[key], types[key]] = [v, BOOLEAN];
    else [values[key], types[key]] = [v as string | null, VARCHAR];
  }
  const reader = await connection.runAndReadAll(bound.sql, values, types);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

function expectAgreement(sql: unknown[], ts: (number | null)[]): void {
  expect(sql).toHaveLength(ts.length);
  sql.forEach((v, i) => {
    const want = ts[i];
    if (want === null || want === undefined) expect(v, `index ${i}`).toBeNull();
    else expect(v as number, `index ${i}`).toBeCloseTo(want, 10);
  });
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
  await createOhlcvView([...eth, ...btc]);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe("SQL templates agree with the TypeScript definitions", () => {
  it("select_returns_by_symbol = computeReturns (simple and log)", async () => {
    const rows = await runTemplate("select_returns_by_symbol", { ...series, ...range });
    for (const [symbol, candles] of [
      ["BTC/USDT", btc],
      ["ETH/USDT", eth],
    ] as const) {
      const mine = rows.filter((r) => r.symbol === symbol);
      expect(mine.map((r) => (r.ts as Date).getTime())).toEqual(candles.map((c) => c.ts.getTime()));
      const closes = candles.map((c) => c.close);
      expectAgreement(
        mine.map((r) => r.return),
        computeReturns(closes),
      );
      expectAgreement(
        mine.map((r) => r.logReturn),
        computeReturns(closes, "log"),
      );
    }
  });

  it("select_rolling_volatility_by_symbol = computeRollingVolatility", async () => {
    const periodsPerYear = computePeriodsPerYear("1d");
    const rows = await runTemplate("select_rolling_volatility_by_symbol", {
      ...series,
      ...range,
      window,
      periods_per_year: periodsPerYear,
    });
    for (const [symbol, candles] of [
      ["BTC/USDT", btc],
      ["ETH/USDT", eth],
    ] as const) {
      const mine = rows.filter((r) => r.symbol === symbol).map((r) => r.volatility);
      const expected = computeRollingVolatility(
        computeReturns(candles.map((c) => c.close)),
        window,
        periodsPerYear,
      );
      expect(expected.filter((v) => v !== null)).toHaveLength(candles.length - window);
      expectAgreement(mine, expected);
    }
  });

  it("select_sma_by_symbol = computeSma, within a date range", async () => {
    const start = btc[30]?.ts.getTime() as number;
    const rows = await runTemplate("select_sma_by_symbol", { ...series, start, end: range.end, window });
    const mine = rows.filter((r) => r.symbol === "BTC/USDT").map((r) => r.sma);
    expectAgreement(
      mine,
      computeSma(
        btc.slice(30).map((c) => c.close),
        window,
      ),
    );
  });
});
