import { describe, expect, it } from "vitest";
import {
  SCHEMA_VERSION,
  SchemaVersionError,
  SpecValidationError,
  TABLES,
  TABLE_NAMES,
  partitionPath,
  parseDatasetSpec,
  parsePartitionPath,
  partitionTimeRange,
  specColumnsOf,
} from "./index.js";

const file = {
  path: "data/ohlcv_1d/base=BTC/all.parquet",
  rows: 10,
  bytes: 2048,
  sha256: "a".repeat(64),
  min_ts: "2024-01-01T00:00:00.000Z",
  max_ts: "2024-01-10T00:00:00.000Z",
};
const spec = {
  version: 3,
  update_time: "2024-01-11T00:05:00.000Z",
  tables: { ohlcv_1d: { columns: specColumnsOf("ohlcv_1d"), files: [file] } },
};

function fieldOf(value: unknown): string {
  try {
    parseDatasetSpec(value);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecValidationError);
    return (e as SpecValidationError).field;
  }
  throw new Error("expected the spec to be refused");
}

describe("spec.json", () => {
  it("accepts a well-formed manifest", () => {
    expect(parseDatasetSpec(spec).version).toBe(3);
  });

  it("refuses a table it does not know for a writer, leaves it out for a reader", () => {
    const newer = {
      ...spec,
      tables: { ...spec.tables, sentiment_1h: { columns: [], files: [], some_new_key: 1 } },
    };
    expect(fieldOf(newer)).toBe("tables.sentiment_1h");
    const read = parseDatasetSpec(newer, { unknownTables: "ignore" });
    expect(Object.keys(read.tables)).toEqual(["ohlcv_1d"]);
    expect(read.tables.ohlcv_1d?.files).toHaveLength(1);
  });

  it("names the field that is wrong", () => {
    expect(fieldOf({ ...spec, version: 0 })).toBe("version");
    expect(fieldOf({ ...spec, update_time: "2024-01-11 00:05" })).toBe("update_time");
    expect(
      fieldOf({
        ...spec,
        tables: { ohlcv_1d: { ...spec.tables.ohlcv_1d, files: [{ ...file, sha256: "xyz" }] } },
      }),
    ).toBe("tables.ohlcv_1d.files.0.sha256");
    expect(fieldOf({ ...spec, tables: { candles: spec.tables.ohlcv_1d } })).toBe("tables.candles");
  });

  it.each([
    ["../../etc/passwd"],
    ["/etc/passwd"],
    ["data\\ohlcv_1d\\base=BTC\\all.parquet"],
    ["data/ohlcv_1d/base=BTC/../../../x.parquet"],
    ["data//ohlcv_1d/all.parquet"],
    ["C:/data/ohlcv_1d/base=BTC/all.parquet"],
    ["data/ohlcv_1d/base=BTC/all.csv"],
  ])("refuses a path that escapes the dataset or is not a partition: %s", (path) => {
    const bad = { ...spec, tables: { ohlcv_1d: { ...spec.tables.ohlcv_1d, files: [{ ...file, path }] } } };
    expect(fieldOf(bad)).toBe("tables.ohlcv_1d.files.0.path");
  });

  it("reads a spec with keys it does not know (written by a newer pipeline), still checking the ones it knows", () => {
    const newer = {
      ...spec,
      written_by: "cexdata 9",
      tables: { ohlcv_1d: { ...spec.tables.ohlcv_1d, row_groups: 4 } },
      freshness: [
        {
          table: "ohlcv_1d",
          exchange: "binance",
          newest_ts: "2024-01-10T00:00:00.000Z",
          last_failure_at: "2024-01-11T00:00:00.000Z",
        },
      ],
    };
    const parsed = parseDatasetSpec(newer);
    expect(parsed.tables.ohlcv_1d?.files).toEqual([file]);
    expect(parsed.freshness).toEqual([
      { table: "ohlcv_1d", exchange: "binance", newest_ts: "2024-01-10T00:00:00.000Z" },
    ]);
    expect(parsed).not.toHaveProperty("written_by");
    const escaping = { ...file, path: "../../etc/passwd.parquet" };
    expect(fieldOf({ ...newer, tables: { ohlcv_1d: { ...newer.tables.ohlcv_1d, files: [escaping] } } })).toBe(
      "tables.ohlcv_1d.files.0.path",
    );
  });

  it("checks freshness entries: times, exchange ids, one entry per table and exchange", () => {
    const entry = { table: "ohlcv_1d", exchange: "binance", last_success_at: "2024-01-11T00:05:00.000Z" };
    expect(parseDatasetSpec({ ...spec, freshness: [entry] }).freshness).toEqual([entry]);
    expect(fieldOf({ ...spec, freshness: [{ ...entry, last_success_at: "yesterday" }] })).toBe(
      "freshness.0.last_success_at",
    );
    expect(fieldOf({ ...spec, freshness: [{ ...entry, exchange: "Binance!" }] })).toBe(
      "freshness.0.exchange",
    );
    expect(fieldOf({ ...spec, freshness: [entry, entry] })).toBe("freshness.1");
    expect(
      fieldOf({ ...spec, freshness: [{ ...entry, blocked: { since: entry.last_success_at, remedy: "x" } }] }),
    ).toBe("freshness.0.blocked.host");
  });

  it("refuses a file listed under another table, or twice", () => {
    const other = { ...file, path: "data/ohlcv_1m/base=BTC/2024-01.parquet" };
    expect(fieldOf({ ...spec, tables: { ohlcv_1d: { ...spec.tables.ohlcv_1d, files: [other] } } })).toBe(
      "tables.ohlcv_1d.files.0.path",
    );
    expect(fieldOf({ ...spec, tables: { ohlcv_1d: { ...spec.tables.ohlcv_1d, files: [file, file] } } })).toBe(
      "tables.ohlcv_1d.files.1.path",
    );
  });
});

describe("partition paths", () => {
  it("parses back what partitionPath writes, for every table, and the file's range holds the row", () => {
    const times = [
      Date.UTC(2019, 11, 31, 23, 59),
      Date.UTC(2024, 1, 29, 12),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
    ];
    for (const table of TABLE_NAMES) {
      const { byBase, period } = TABLES[table].partition;
      for (const tsMs of times) {
        const path = partitionPath(table, { base: "BTC", tsMs });
        const iso = new Date(tsMs).toISOString();
        expect(parsePartitionPath(path), path).toEqual({
          table,
          base: byBase ? "BTC" : null,
          period: period === "month" ? iso.slice(0, 7) : period === "year" ? iso.slice(0, 4) : "all",
        });
        const range = partitionTimeRange(path);
        expect(tsMs >= range.startMs && tsMs < range.endMs, `${path} holds ${iso}`).toBe(true);
      }
    }
  });

  it("parses paths by hand", () => {
    expect(parsePartitionPath("data/ohlcv_1m/base=BTC/2024-03.parquet")).toEqual({
      table: "ohlcv_1m",
      base: "BTC",
      period: "2024-03",
    });
    expect(parsePartitionPath("data/token_info/all.parquet")).toEqual({
      table: "token_info",
      base: null,
      period: "all",
    });
    expect(parsePartitionPath("data/token_info/base=BTC/all.parquet")).toBeNull();
    // A yearly table's file of its closed years: the name a released reader already parses.
    expect(parsePartitionPath("data/funding_rates/base=BTC/all.parquet")).toEqual({
      table: "funding_rates",
      base: "BTC",
      period: "all",
    });
  });

  it("knows the time range a file can hold", () => {
    expect(partitionTimeRange("data/ohlcv_1m/base=BTC/2024-12.parquet")).toEqual({
      startMs: Date.UTC(2024, 11, 1),
      endMs: Date.UTC(2025, 0, 1),
    });
    expect(partitionTimeRange("data/ohlcv_1h/base=BTC/2023.parquet").endMs).toBe(Date.UTC(2024, 0, 1));
    expect(partitionTimeRange("data/ohlcv_1d/base=BTC/all.parquet").startMs).toBe(-Infinity);
    // A yearly table's `all` file holds every year before the one its writer was in; unbounded to a
    // reader, and a table without periods keeps `all` unbounded whatever the clock.
    expect(partitionTimeRange("data/funding_rates/base=BTC/all.parquet", Date.UTC(2025, 5, 1))).toEqual({
      startMs: -Infinity,
      endMs: Date.UTC(2025, 0, 1),
    });
    expect(partitionTimeRange("data/funding_rates/base=BTC/all.parquet").endMs).toBe(Infinity);
    expect(partitionTimeRange("data/ohlcv_1d/base=BTC/all.parquet", Date.UTC(2025, 5, 1)).endMs).toBe(
      Infinity,
    );
  });
});

describe("schema_version", () => {
  it("reads an older or equal version, and a spec without one (1.0)", () => {
    expect(parseDatasetSpec({ ...spec, schema_version: "1.0" }).schema_version).toBe("1.0");
    expect(parseDatasetSpec({ ...spec, schema_version: SCHEMA_VERSION }).schema_version).toBe(SCHEMA_VERSION);
    expect(parseDatasetSpec({ ...spec, schema_version: "1.99" }).schema_version).toBe("1.99");
    expect(parseDatasetSpec(spec).schema_version).toBeUndefined();
  });

  it("refuses a newer major with an error naming both versions", () => {
    const newer = { ...spec, schema_version: "2.0", tables: { whatever: { changed: true } } };
    expect(() => parseDatasetSpec(newer, { unknownTables: "ignore" })).toThrow(SchemaVersionError);
    expect(() => parseDatasetSpec(newer)).toThrow(
      `the dataset is written in schema 2.0, a newer major version than the schema ${SCHEMA_VERSION}`,
    );
  });

  it("names a malformed version", () => {
    expect(fieldOf({ ...spec, schema_version: "one" })).toBe("schema_version");
  });
});
