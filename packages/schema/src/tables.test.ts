import { describe, expect, it } from "vitest";
import {
  cadenceMsOf,
  dueUntilOf,
  isPresentOnly,
  ROW_SCHEMAS,
  TABLES,
  TABLE_NAMES,
  compactedPartitionPath,
  partitionPath,
  specColumnsOf,
  tableDef,
  toCamelCase,
} from "./index.js";

const candle = {
  exchange: "binance",
  market: "spot",
  symbol: "BTC/USDT",
  ts: Date.UTC(2024, 0, 1),
  base: "BTC",
  quote: "USDT",
  open: 42000,
  high: 42100,
  low: 41900,
  close: 42050,
  volume: 12.5,
  quote_volume: 525000,
  trades: null,
  taker_buy_volume: null,
  taker_buy_quote_volume: null,
};

describe("tables", () => {
  it("declares every table of the dataset contract", () => {
    expect(TABLE_NAMES).toEqual([
      "ohlcv_1m",
      "ohlcv_1h",
      "ohlcv_1d",
      "funding_rates",
      "open_interest",
      "liquidations",
      "exchange_info",
      "token_info",
      "mark_ohlcv_1h",
      "index_ohlcv_1h",
      "premium_index_ohlcv_1h",
      "long_short_ratios",
      "funding_predictions",
      "coverage",
      "book_depth",
    ]);
  });

  it("keys name only columns of their table, and the time column exists", () => {
    for (const name of TABLE_NAMES) {
      const table = tableDef(name);
      expect(table.name).toBe(name);
      for (const k of table.key) expect(Object.keys(table.columns)).toContain(k);
      expect(Object.keys(table.columns)).toContain(table.timeColumn);
      for (const [col, def] of Object.entries(table.columns)) {
        expect(col).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(def.doc.length).toBeGreaterThan(5);
      }
    }
  });

  it("a table read as of now is due through the step running; others once their step has closed", () => {
    const now = Date.UTC(2024, 4, 15, 10, 30, 17);
    expect(TABLE_NAMES.filter(isPresentOnly)).toEqual(["funding_predictions"]);
    expect(dueUntilOf("funding_predictions", now)).toBe(Date.UTC(2024, 4, 15, 11));
    expect(dueUntilOf("open_interest", now)).toBe(Date.UTC(2024, 4, 15, 10));
    expect(dueUntilOf("ohlcv_1d", now)).toBe(Date.UTC(2024, 4, 15));
    expect(dueUntilOf("funding_rates", now)).toBe(now);
    // Only a step can be read as of now: a present-only table always has a cadence.
    for (const t of TABLE_NAMES.filter(isPresentOnly)) expect(cadenceMsOf(t)).toBeDefined();
  });

  it("accepts a good candle and rejects each kind of bad value, naming the column", () => {
    expect(ROW_SCHEMAS.ohlcv_1m.parse(candle)).toEqual(candle);
    const bad: [Partial<typeof candle> | Record<string, unknown>, string][] = [
      [{ open: -1 }, "open"],
      [{ close: Number.NaN }, "close"],
      [{ volume: -0.5 }, "volume"],
      [{ market: "swap" }, "market"],
      [{ symbol: "BTC'; DROP TABLE x" }, "symbol"],
      [{ base: "btc" }, "base"],
      [{ ts: 1.5 }, "ts"],
      [{ exchange: "Binance" }, "exchange"],
      [{ extra: 1 }, ""],
    ];
    for (const [patch, column] of bad) {
      const result = ROW_SCHEMAS.ohlcv_1m.safeParse({ ...candle, ...patch });
      expect(result.success, JSON.stringify(patch)).toBe(false);
      if (column) expect(result.error?.issues[0]?.path).toEqual([column]);
    }
  });

  it("allows null only where the column is nullable", () => {
    expect(ROW_SCHEMAS.ohlcv_1m.safeParse({ ...candle, quote_volume: null }).success).toBe(true);
    expect(ROW_SCHEMAS.ohlcv_1m.safeParse({ ...candle, volume: null }).success).toBe(false);
    expect(TABLES.ohlcv_1m.columns.trades.nullable).toBe(true);
    expect(TABLES.ohlcv_1m.columns.close.nullable).toBe(false);
  });

  it("lists spec columns with their DuckDB types", () => {
    expect(specColumnsOf("funding_rates")).toContainEqual({
      name: "ts",
      type: "TIMESTAMP_MS",
      nullable: false,
    });
    expect(specColumnsOf("token_info")).toContainEqual({
      name: "exchanges",
      type: "VARCHAR[]",
      nullable: false,
    });
  });

  it("camel-cases column names for the client", () => {
    expect(toCamelCase("quote_volume")).toBe("quoteVolume");
    expect(toCamelCase("open_interest_value")).toBe("openInterestValue");
    expect(toCamelCase("ts")).toBe("ts");
  });
});

describe("partitionPath", () => {
  const ts = Date.UTC(2024, 2, 15, 12);
  it("cuts by base and by the table's period", () => {
    expect(partitionPath("ohlcv_1m", { base: "BTC", tsMs: ts })).toBe(
      "data/ohlcv_1m/base=BTC/2024-03.parquet",
    );
    expect(partitionPath("ohlcv_1h", { base: "ETH", tsMs: ts })).toBe("data/ohlcv_1h/base=ETH/2024.parquet");
    expect(partitionPath("ohlcv_1d", { base: "ETH", tsMs: ts })).toBe("data/ohlcv_1d/base=ETH/all.parquet");
    expect(partitionPath("liquidations", { base: "SOL", tsMs: ts })).toBe(
      "data/liquidations/base=SOL/2024-03.parquet",
    );
    expect(partitionPath("exchange_info", {})).toBe("data/exchange_info/all.parquet");
  });

  it("keeps liquidations and book depth by month while the year is open, in one file once it has closed", () => {
    const inYear = Date.UTC(2024, 11, 31, 23, 59);
    const nextYear = Date.UTC(2025, 0, 1);
    for (const table of ["liquidations", "book_depth"] as const) {
      expect(TABLES[table].partition.compactClosedYears).toBe(true);
      expect(partitionPath(table, { base: "BTC", tsMs: ts, nowMs: inYear })).toBe(
        `data/${table}/base=BTC/2024-03.parquet`,
      );
      expect(partitionPath(table, { base: "BTC", tsMs: ts, nowMs: nextYear })).toBe(
        `data/${table}/base=BTC/2024.parquet`,
      );
      // A month file written while 2024 was open belongs in 2024's file from the first ms of 2025.
      expect(compactedPartitionPath(`data/${table}/base=BTC/2024-12.parquet`, inYear)).toBe(
        `data/${table}/base=BTC/2024-12.parquet`,
      );
      expect(compactedPartitionPath(`data/${table}/base=BTC/2024-12.parquet`, nextYear)).toBe(
        `data/${table}/base=BTC/2024.parquet`,
      );
    }
    // Other monthly tables keep every month: a short query on 1m candles downloads one month.
    expect(partitionPath("ohlcv_1m", { base: "BTC", tsMs: ts, nowMs: nextYear })).toBe(
      "data/ohlcv_1m/base=BTC/2024-03.parquet",
    );
    expect(compactedPartitionPath("data/ohlcv_1m/base=BTC/2024-03.parquet", nextYear)).toBe(
      "data/ohlcv_1m/base=BTC/2024-03.parquet",
    );
    expect(compactedPartitionPath("data/liquidations/base=BTC/2024.parquet", nextYear)).toBe(
      "data/liquidations/base=BTC/2024.parquet",
    );
  });

  it("keeps the small yearly tables' closed years in one `all` file a base, the open year in its own", () => {
    const inYear = Date.UTC(2024, 11, 31, 23, 59);
    const nextYear = Date.UTC(2025, 0, 1);
    const small = TABLE_NAMES.filter(
      (t) => TABLES[t].partition.period === "year" && TABLES[t].partition.compactClosedYears,
    );
    expect(new Set(small)).toEqual(
      new Set([
        "funding_rates",
        "open_interest",
        "mark_ohlcv_1h",
        "index_ohlcv_1h",
        "premium_index_ohlcv_1h",
        "long_short_ratios",
        "funding_predictions",
      ]),
    );
    for (const table of small) {
      expect(partitionPath(table, { base: "BTC", tsMs: ts, nowMs: inYear })).toBe(
        `data/${table}/base=BTC/2024.parquet`,
      );
      expect(partitionPath(table, { base: "BTC", tsMs: ts, nowMs: nextYear })).toBe(
        `data/${table}/base=BTC/all.parquet`,
      );
      expect(partitionPath(table, { base: "BTC", tsMs: Date.UTC(2019, 5, 1), nowMs: nextYear })).toBe(
        `data/${table}/base=BTC/all.parquet`,
      );
      expect(partitionPath(table, { base: "BTC", tsMs: nextYear, nowMs: nextYear })).toBe(
        `data/${table}/base=BTC/2025.parquet`,
      );
      expect(compactedPartitionPath(`data/${table}/base=BTC/2024.parquet`, inYear)).toBe(
        `data/${table}/base=BTC/2024.parquet`,
      );
      expect(compactedPartitionPath(`data/${table}/base=BTC/2024.parquet`, nextYear)).toBe(
        `data/${table}/base=BTC/all.parquet`,
      );
      expect(compactedPartitionPath(`data/${table}/base=BTC/all.parquet`, nextYear)).toBe(
        `data/${table}/base=BTC/all.parquet`,
      );
    }
    // 1h candles are large per base (a year of every exchange's spot and perp markets): a file a year.
    expect(partitionPath("ohlcv_1h", { base: "BTC", tsMs: ts, nowMs: nextYear })).toBe(
      "data/ohlcv_1h/base=BTC/2024.parquet",
    );
    expect(compactedPartitionPath("data/ohlcv_1h/base=BTC/2024.parquet", nextYear)).toBe(
      "data/ohlcv_1h/base=BTC/2024.parquet",
    );
  });

  it("refuses a base that could escape the directory, and a missing timestamp", () => {
    expect(() => partitionPath("ohlcv_1m", { base: "../etc", tsMs: ts })).toThrow(/invalid base/);
    expect(() => partitionPath("ohlcv_1m", { base: "BTC" })).toThrow(/timestamp is needed/);
  });
});
