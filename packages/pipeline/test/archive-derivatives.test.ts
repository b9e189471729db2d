import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
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

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(here, "fixtures");
const NOW = Date.UTC(2026, 0, 1);
const DATASETS: Readonly<Record<string, ArchiveDataset>> = {
  mark_ohlcv_1h: { kind: "markPriceKlines", interval: "1h" },
  index_ohlcv_1h: { kind: "indexPriceKlines", interval: "1h" },
  premium_index_ohlcv_1h: { kind: "premiumIndexKlines", interval: "1h" },
  long_short_ratios: { kind: "metrics" },
  open_interest: { kind: "metrics" },
};
let db: DuckDBHandle;
let tmp: string;
let batch = 0;

beforeAll(async () => {
  db = await openDuckDB();
  tmp = await mkdtemp(path.join(tmpdir(), "cexdata-archive-derivatives-"));
});
afterAll(async () => {
  db.close();
  await rm(tmp, { recursive: true, force: true });
});

async function importFile(file: string, table: ArchiveTable, fileDay: string) {
  const sym = toArchiveSymbol("BTC/USDT:USDT");
  const result = await importArchiveCsvs({
    conn: db.connection,
    table,
    symbol: sym,
    format: csvFormatFor(sym.venue, DATASETS[table]!, Date.parse(`${fileDay}T00:00:00Z`)),
    csvPaths: [file],
    startMs: 0,
    endMs: NOW,
    nowMs: NOW,
    prefix: `d${batch++}`,
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

const identity = { exchange: "binance", symbol: "BTC/USDT:USDT", base: "BTC", quote: "USDT" };

describe("archive: mark, index and premium klines, metrics ratios", () => {
  test("markPriceKlines and indexPriceKlines rows store exactly the values they carry", async () => {
    const mark = await importFile(
      path.join(FIXTURES, "derivatives/binance_vision/BTCUSDT-1h-2025-09-11.markPriceKlines.from-rest.csv"),
      "mark_ohlcv_1h",
      "2025-09-11",
    );
    expect(mark.fetched).toBe(16);
    expect(mark.rejected).toEqual([]);
    expect(mark.rows[0]).toEqual({
      ...identity,
      ts: 1757577600000,
      open: 114040,
      high: 114161,
      low: 113925.9606558,
      close: 114006.04127174,
    });
    const index = await importFile(
      path.join(FIXTURES, "derivatives/binance_vision/BTCUSDT-1h-2025-09-11.indexPriceKlines.from-rest.csv"),
      "index_ohlcv_1h",
      "2025-09-11",
    );
    expect(index.rows.map((r) => r["ts"])).toEqual(
      Array.from({ length: 16 }, (_, i) => 1757577600000 + i * 3_600_000),
    );
    expect(index.rows[1]).toMatchObject({
      open: 114047.06826087,
      high: 114071.81956522,
      low: 113782.8776087,
      close: 113895.84456522,
    });
  });

  test("metrics: the on-the-hour row's four ratios become long_short_ratios, named as Binance names them", async () => {
    const file = path.join(FIXTURES, "binance_vision/futures_um_BTCUSDT-metrics-2023-01-21.csv");
    const { rows, fetched } = await importFile(file, "long_short_ratios", "2023-01-21");
    expect(fetched).toBe(1);
    expect(rows).toEqual([
      {
        ...identity,
        ts: Date.UTC(2023, 0, 21),
        top_trader_account_ratio: 0.766568632422291,
        top_trader_position_ratio: 1.1363333457,
        global_account_ratio: 0.8332767017782309,
        taker_buy_sell_ratio: 0.92530759,
      },
    ]);
    // The same file still feeds open_interest.
    const oi = await importFile(file, "open_interest", "2023-01-21");
    expect(oi.rows).toEqual([
      {
        ...identity,
        ts: Date.UTC(2023, 0, 21),
        open_interest: 98666.163,
        open_interest_value: 2236289208.197267,
      },
    ]);
  });

  test("a header or column count the file's date does not imply is an ArchiveFormatError naming the file", async () => {
    const headed = path.join(
      FIXTURES,
      "derivatives/binance_vision/BTCUSDT-1h-2025-09-11.markPriceKlines.from-rest.csv",
    );
    // A 2021 file has no header row: a header there is refused, never skipped as a bad row.
    await expect(importFile(headed, "mark_ohlcv_1h", "2021-06-01")).rejects.toThrow(ArchiveFormatError);
    await expect(importFile(headed, "mark_ohlcv_1h", "2021-06-01")).rejects.toThrow(headed);

    const sevenColumns = path.join(tmp, "BTCUSDT-metrics-2024-01-02.csv");
    await writeFile(
      sevenColumns,
      "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,sum_toptrader_long_short_ratio,count_long_short_ratio\n" +
        "2024-01-02 00:00:00,BTCUSDT,1,2,1.1,1.2,1.3\n",
    );
    await expect(importFile(sevenColumns, "long_short_ratios", "2024-01-02")).rejects.toThrow(
      ArchiveFormatError,
    );
    await expect(importFile(sevenColumns, "long_short_ratios", "2024-01-02")).rejects.toThrow(sevenColumns);
  });

  test("negative, NaN and infinite ratios in a metrics file are quarantined with their reason", async () => {
    const file = path.join(tmp, "BTCUSDT-metrics-2024-01-03.csv");
    const header =
      "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio";
    await writeFile(
      file,
      [
        header,
        "2024-01-03 00:00:00,BTCUSDT,1,2,1.1,1.2,1.3,0.9",
        "2024-01-03 01:00:00,BTCUSDT,1,2,-1.1,1.2,1.3,0.9",
        "2024-01-03 02:00:00,BTCUSDT,1,2,1.1,nan,1.3,0.9",
        "2024-01-03 03:00:00,BTCUSDT,1,2,1.1,1.2,inf,0.9",
        "2024-01-03 04:00:00,BTCUSDT,1,2,1.1,1.2,1.3,",
        "",
      ].join("\n"),
    );
    const { rows, rejected } = await importFile(file, "long_short_ratios", "2024-01-03");
    expect(rows.map((r) => r["ts"])).toEqual([Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 3, 4)]);
    // An empty cell is "not published": null, not a refusal.
    expect(rows[1]).toMatchObject({ taker_buy_sell_ratio: null });
    expect(rejected.map((r) => [r.reason, (r.row as { ts: number }).ts])).toEqual([
      ["negative_amount", Date.UTC(2024, 0, 3, 1)],
      ["non_finite_number", Date.UTC(2024, 0, 3, 2)],
      ["non_finite_number", Date.UTC(2024, 0, 3, 3)],
    ]);
  });
});
