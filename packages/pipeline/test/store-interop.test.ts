import { createRequire } from "node:module";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDatasetSpec, type OhlcvRow } from "@cexdata/schema";
import { openDatasetStore } from "../src/store/index.js";
import {
  LATER,
  loadBinanceSpotRows,
  loadFreqtradePerpRows,
  makeOhlcvRows,
  makeTempDir,
} from "./store-fixture-rows.js";

/**
 * parquetjs-lite is an independent Parquet implementation: its Thrift footer reader proves our
 * files are standard Parquet (schema, physical and logical types, row counts, zstd codec, column
 * statistics). It cannot decode page values of these files (it has no zstd and no RLE_DICTIONARY),
 * so values are checked through the per-column min/max statistics it decodes from the footer.
 */
interface ThriftColumn {
  meta_data: {
    path_in_schema: string[];
    codec: number;
    statistics: { min_value: Buffer; max_value: Buffer; null_count: unknown };
  };
}
interface ThriftFooter {
  num_rows: unknown;
  schema: { name: string; type: number | null; converted_type: number | null }[];
  row_groups: { num_rows: unknown; columns: ThriftColumn[] }[];
}
interface EnvelopeReader {
  readFooter(): Promise<ThriftFooter>;
  close(): Promise<void>;
}
const require = createRequire(import.meta.url);
const parquet = require("parquetjs-lite") as {
  ParquetEnvelopeReader: { openFile(file: string): Promise<EnvelopeReader> };
};
const thrift = require("parquetjs-lite/gen-nodejs/parquet_types") as {
  Type: Record<string, number>;
  ConvertedType: Record<string, number>;
  CompressionCodec: Record<string, number>;
};

let dir: string;
let spot: OhlcvRow[];
let perp: OhlcvRow[];

beforeAll(async () => {
  dir = await makeTempDir();
  spot = await loadBinanceSpotRows();
  perp = await loadFreqtradePerpRows();
  const store = await openDatasetStore({ dir, nowMs: () => LATER });
  await store.stage("ohlcv_1m", spot, "rest");
  await store.stage("ohlcv_1h", perp, "rest");
  await store.commit();
  await store.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readFooter(file: string, root = dir): Promise<ThriftFooter> {
  const reader = await parquet.ParquetEnvelopeReader.openFile(path.join(root, file));
  try {
    return await reader.readFooter();
  } finally {
    await reader.close();
  }
}

function statsOf(footer: ThriftFooter, column: string): { min: Buffer; max: Buffer }[] {
  return footer.row_groups.map((g) => {
    const c = g.columns.find((x) => x.meta_data.path_in_schema[0] === column)!;
    return { min: c.meta_data.statistics.min_value, max: c.meta_data.statistics.max_value };
  });
}

describe("files read by an independent Parquet implementation (parquetjs-lite)", () => {
  it("has the contract's schema with standard physical and logical types, and the row count", async () => {
    const footer = await readFooter("data/ohlcv_1m/base=BTC/2021-10.parquet");
    expect(Number(footer.num_rows)).toBe(spot.length);
    const columns = footer.schema.slice(1).map((s) => [s.name, s.type, s.converted_type]);
    const { Type, ConvertedType } = thrift;
    expect(columns).toEqual([
      ["exchange", Type["BYTE_ARRAY"], ConvertedType["UTF8"]],
      ["market", Type["BYTE_ARRAY"], ConvertedType["UTF8"]],
      ["symbol", Type["BYTE_ARRAY"], ConvertedType["UTF8"]],
      ["ts", Type["INT64"], ConvertedType["TIMESTAMP_MILLIS"]],
      ["base", Type["BYTE_ARRAY"], ConvertedType["UTF8"]],
      ["quote", Type["BYTE_ARRAY"], ConvertedType["UTF8"]],
      ["open", Type["DOUBLE"], null],
      ["high", Type["DOUBLE"], null],
      ["low", Type["DOUBLE"], null],
      ["close", Type["DOUBLE"], null],
      ["volume", Type["DOUBLE"], null],
      ["quote_volume", Type["DOUBLE"], null],
      ["trades", Type["INT64"], ConvertedType["INT_64"]],
      ["taker_buy_volume", Type["DOUBLE"], null],
      ["taker_buy_quote_volume", Type["DOUBLE"], null],
    ]);
    for (const g of footer.row_groups) {
      for (const c of g.columns) expect(c.meta_data.codec).toBe(thrift.CompressionCodec["ZSTD"]);
    }
  });

  it("holds the values written: its statistics give the rows' time range, prices and symbol", async () => {
    const footer = await readFooter("data/ohlcv_1m/base=BTC/2021-10.parquet");
    const [ts] = statsOf(footer, "ts");
    expect(Number(ts!.min.readBigInt64LE())).toBe(Math.min(...spot.map((r) => r.ts)));
    expect(Number(ts!.max.readBigInt64LE())).toBe(Math.max(...spot.map((r) => r.ts)));
    const [high] = statsOf(footer, "high");
    expect(high!.max.readDoubleLE()).toBe(Math.max(...spot.map((r) => r.high)));
    const [low] = statsOf(footer, "low");
    expect(low!.min.readDoubleLE()).toBe(Math.min(...spot.map((r) => r.low)));
    const [symbol] = statsOf(footer, "symbol");
    expect([symbol!.min.toString("utf8"), symbol!.max.toString("utf8")]).toEqual(["BTC/USDT", "BTC/USDT"]);
    const spec = parseDatasetSpec(JSON.parse(await readFile(path.join(dir, "spec.json"), "utf8")));
    expect(spec.tables.ohlcv_1m!.files[0]!.min_ts).toBe(
      new Date(Number(ts!.min.readBigInt64LE())).toISOString(),
    );
  });

  it("writes nulls as nulls: a perp series without quote volume or trades counts them in the footer", async () => {
    const footer = await readFooter("data/ohlcv_1h/base=XRP/2021.parquet");
    expect(Number(footer.num_rows)).toBe(perp.length);
    const nulls = (column: string) =>
      footer.row_groups.reduce((sum, g) => {
        const c = g.columns.find((x) => x.meta_data.path_in_schema[0] === column)!;
        const count = c.meta_data.statistics.null_count as { buffer: Buffer; offset: number } | number;
        return sum + (typeof count === "number" ? count : Number(count.buffer.readBigInt64BE(count.offset)));
      }, 0);
    expect(nulls("quote_volume")).toBe(perp.length);
    expect(nulls("trades")).toBe(perp.length);
    expect(nulls("close")).toBe(0);
  });

  it("keeps each row group's own symbol range in a file of several series, and one exchange as one value", async () => {
    // A month of three BTC series: 133,920 rows, more than one row group. A series' text columns
    // that hold one value in the file are written as that value (a one-value ENUM, see
    // store/constant-text.ts); a column of several values must keep per-row-group statistics, or a
    // reader could no longer skip the row groups of other symbols.
    const many = await makeTempDir();
    try {
      const store = await openDatasetStore({ dir: many, nowMs: () => LATER });
      const start = Date.UTC(2024, 2, 1);
      for (const quote of ["EUR", "USDC", "USDT"])
        await store.stage(
          "ohlcv_1m",
          makeOhlcvRows(44_640, start, { symbol: `BTC/${quote}`, quote }),
          "rest",
        );
      const [file] = (await store.commit()).changedFiles;
      await store.close();
      const footer = await readFooter(file!, many);
      expect(Number(footer.num_rows)).toBe(3 * 44_640);
      expect(footer.row_groups.length).toBeGreaterThan(1);
      const text = (column: string) =>
        statsOf(footer, column).map(({ min, max }) => [min.toString("utf8"), max.toString("utf8")]);
      expect(new Set(text("exchange").flat())).toEqual(new Set(["binance"]));
      const symbols = text("symbol");
      expect(symbols[0]).toEqual(["BTC/EUR", "BTC/USDT"]);
      expect(symbols.at(-1)).toEqual(["BTC/USDT", "BTC/USDT"]);
      const quotes = text("quote");
      expect(quotes.at(-1)).toEqual(["USDT", "USDT"]);
    } finally {
      await rm(many, { recursive: true, force: true });
    }
  });
});
