import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDuckDB, type DuckDBHandle } from "../src/store/duckdb.js";
import { toArchiveSymbol } from "../src/sources/archive/plan.js";
import type { ArchiveDataset } from "../src/sources/archive/plan.js";
import type { ArchiveTable } from "../src/sources/archive/plan.js";
import { csvFormatFor } from "../src/sources/archive/formats.js";
import { importArchiveCsvs } from "../src/sources/archive/stage-csvs.js";
import { ArchiveFormatError } from "../src/sources/archive/errors.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/binance_vision");
const NOW = Date.UTC(2026, 0, 1);
let db: DuckDBHandle;
let batch = 0;

beforeAll(async () => {
  db = await openDuckDB();
});
afterAll(() => db.close());

/** Imports one fixture as the archive file of `fileDay` would be read, returning accepted rows and refusals. */
async function importFixture(file: string, symbol: string, table: ArchiveTable, fileDay: string) {
  const sym = toArchiveSymbol(symbol);
  const dataset: ArchiveDataset =
    table === "funding_rates"
      ? { kind: "fundingRate" }
      : table === "open_interest"
        ? { kind: "metrics" }
        : { kind: "klines", interval: table === "ohlcv_1m" ? "1m" : table === "ohlcv_1h" ? "1h" : "1d" };
  const result = await importArchiveCsvs({
    conn: db.connection,
    table,
    symbol: sym,
    format: csvFormatFor(sym.venue, dataset, Date.parse(`${fileDay}T00:00:00Z`)),
    csvPaths: [path.join(FIXTURES, file)],
    startMs: 0,
    endMs: NOW,
    nowMs: NOW,
    prefix: `t${batch++}`,
  });
  const reader = await db.connection.runAndReadAll(
    `SELECT * EXCLUDE (ts), epoch_ms(ts) AS ts FROM ${result.relations.accepted} ORDER BY ts`,
  );
  const rows = reader
    .getRowObjectsJS()
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    );
  return { ...result, rows };
}

describe("archive CSV formats, chosen by the file's date", () => {
  test("spot klines before 2025 (milliseconds, no header) become ohlcv_1m rows", async () => {
    const { rows, fetched, rejected } = await importFixture(
      "spot_klines_ADABTC-1m-2021-11-27.csv",
      "ADA/BTC",
      "ohlcv_1m",
      "2021-11-27",
    );
    expect(fetched).toBe(10);
    expect(rejected).toEqual([]);
    expect(rows[0]).toEqual({
      exchange: "binance",
      market: "spot",
      symbol: "ADA/BTC",
      ts: Date.UTC(2021, 10, 27),
      base: "ADA",
      quote: "BTC",
      open: 0.00002853,
      high: 0.00002854,
      low: 0.00002851,
      close: 0.00002854,
      volume: 36304.2,
      quote_volume: 1.03547608,
      trades: 79,
      taker_buy_volume: 19523,
      taker_buy_quote_volume: 0.55694227,
    });
    expect(rows.map((r) => r["ts"])).toEqual(
      Array.from({ length: 10 }, (_, i) => Date.UTC(2021, 10, 27) + i * 60_000),
    );
  });

  test("spot klines from 2025-01-01 carry microseconds and land on the same millisecond clock", async () => {
    const { rows } = await importFixture(
      "spot_klines_row.microseconds.csv",
      "BNB/USDT",
      "ohlcv_1h",
      "2025-01-01",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ts: Date.UTC(2025, 0, 1), open: 4.1507, close: 4.1554, trades: 13 });
    expect(rows[0]?.["quote_volume"]).toBeCloseTo(2240.398609, 6);
  });

  test("1s klines: ms before 2025, µs after, both refused as misaligned minutes except the round one", async () => {
    const before = await importFixture(
      "spot_BTCUSDT-1s-2023-07-01.first1row.csv",
      "BTC/USDT",
      "ohlcv_1m",
      "2023-07-01",
    );
    expect(before.rows.map((r) => r["ts"])).toEqual([Date.UTC(2023, 6, 1)]);
    const after = await importFixture(
      "spot_DOGEUSDT-1s-2025-01-01.first3rows.microseconds.csv",
      "DOGE/USDT",
      "ohlcv_1m",
      "2025-01-01",
    );
    expect(after.rows.map((r) => r["ts"])).toEqual([Date.UTC(2025, 0, 1)]);
    expect(after.rejected.map((r) => [r.reason, (r.row as { ts: number }).ts])).toEqual([
      ["ts_not_aligned", Date.UTC(2025, 0, 1) + 1000],
      ["ts_not_aligned", Date.UTC(2025, 0, 1) + 2000],
    ]);
  });

  test("futures klines: no header before 2022-05, a header row after; both read to the same columns", async () => {
    const bare = await importFixture("futures_um_klines_row.csv", "BTC/USDT:USDT", "ohlcv_1d", "2017-07-03");
    expect(bare.rows).toEqual([
      expect.objectContaining({
        market: "perp",
        symbol: "BTC/USDT:USDT",
        ts: 1499040000000,
        open: 0.0163479,
        trades: 308,
        taker_buy_volume: 1756.87402397,
        taker_buy_quote_volume: 28.46694368,
      }),
    ]);
    const headed = await importFixture(
      "futures_cm_BTCUSD_PERP-1h-2023-10-27.first3rows.csv",
      "BTC/USD:BTC",
      "ohlcv_1h",
      "2023-10-27",
    );
    expect(headed.fetched).toBe(3);
    // COIN-M: `volume` counts contracts; the base volume is the 8th column.
    expect(headed.rows[0]).toMatchObject({
      ts: 1698364800000,
      open: 34161.6,
      volume: 1202.97118037,
      quote_volume: null,
    });
  });

  test("a header where the date says none is a format error, never a silently skipped row", async () => {
    await expect(
      importFixture(
        "futures_cm_BTCUSD_PERP-1h-2023-10-27.first3rows.csv",
        "BTC/USD:BTC",
        "ohlcv_1h",
        "2021-10-27",
      ),
    ).rejects.toBeInstanceOf(ArchiveFormatError);
  });

  test("COIN-M klines without header (README example, 2020)", async () => {
    const { rows } = await importFixture(
      "futures_cm_klines_row.csv",
      "BTC/USD:BTC",
      "ohlcv_1m",
      "2020-06-04",
    );
    expect(rows).toEqual([
      expect.objectContaining({ ts: 1591258320000, close: 9642, volume: 2.13660389, trades: 48 }),
    ]);
  });

  test("metrics: create_time is a datetime; only the on-the-hour snapshot becomes an open_interest row", async () => {
    const { rows, fetched } = await importFixture(
      "futures_um_BTCUSDT-metrics-2023-01-21.csv",
      "BTC/USDT:USDT",
      "open_interest",
      "2023-01-21",
    );
    expect(fetched).toBe(1);
    expect(rows).toEqual([
      {
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        ts: Date.UTC(2023, 0, 21),
        base: "BTC",
        quote: "USDT",
        open_interest: 98666.163,
        open_interest_value: 2236289208.197267,
      },
    ]);
  });
});
