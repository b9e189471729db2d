import type * as ArrowModule from "apache-arrow";
import type { Table, Vector } from "apache-arrow";
import { DuckDBTypeId } from "@duckdb/node-api";
import { OptionalDependencyError } from "../errors/index.js";
import type { PlainValue } from "./plain-value.js";
import type { ColumnTable, ResultColumn, StringColumn } from "./read-columns.js";
import { vectorKind } from "./read-vector.js";

type Arrow = typeof ArrowModule;

let arrow: Promise<Arrow> | null = null;

/** apache-arrow is an optional peer dependency: loaded on the first `as: "arrow"`, named when missing. */
function loadArrow(): Promise<Arrow> {
  arrow ??= import("apache-arrow").catch((cause: unknown) => {
    arrow = null;
    throw new OptionalDependencyError("apache-arrow", 'as: "arrow"', { cause });
  });
  return arrow;
}

const TWO_32 = 4_294_967_296;

/**
 * An Arrow table over the same buffers the columns hold where Arrow's layout is the same (Float64),
 * built in one pass otherwise: times as Timestamp(ms) from two int32 words (no BigInt per cell),
 * strings as Dictionary<Utf8, Int32>, booleans as packed bits. A NaN number is a null.
 */
export async function columnsToArrow(table: ColumnTable, described: readonly ResultColumn[]): Promise<Table> {
  const a = await loadArrow();
  const { length } = table;
  const vectors: Record<string, Vector> = {};
  for (const column of described) {
    const values = table.columns[column.name]!;
    if (values instanceof Float64Array) {
      const nulls = nullBitmap(length, (i) => !Number.isNaN(values[i]!));
      const props = { length, nullCount: nulls.count, nullBitmap: nulls.bitmap };
      if (column.kind === "time") {
        const words = new Int32Array(length * 2);
        for (let i = 0; i < length; i++) {
          const ms = Number.isNaN(values[i]!) ? 0 : values[i]!;
          const high = Math.floor(ms / TWO_32);
          words[2 * i] = (ms - high * TWO_32) | 0;
          words[2 * i + 1] = high;
        }
        const data = new BigInt64Array(words.buffer);
        vectors[column.name] = a.makeVector(
          a.makeData({ ...props, type: new a.TimestampMillisecond(), data }),
        );
      } else if (column.typeId === DuckDBTypeId.BOOLEAN) {
        const data = nullBitmap(length, (i) => values[i] === 1).bitmap;
        vectors[column.name] = a.makeVector(a.makeData({ ...props, type: new a.Bool(), data }));
      } else {
        vectors[column.name] = a.makeVector(a.makeData({ ...props, type: new a.Float64(), data: values }));
      }
    } else if (values instanceof Array) {
      vectors[column.name] = valuesVector(a, column, values);
    } else {
      vectors[column.name] = dictionaryVector(a, values, length);
    }
  }
  return new a.Table(vectors);
}

/** Cells read one by one (lists, decimals...): lists of strings or numbers typed, the rest inferred. */
function valuesVector(a: Arrow, column: ResultColumn, values: PlainValue[]) {
  const item =
    column.itemTypeId === DuckDBTypeId.VARCHAR
      ? new a.Utf8()
      : column.itemTypeId !== undefined && vectorKind(column.itemTypeId) === "number"
        ? new a.Float64()
        : null;
  if (item) return a.vectorFromArray(values, new a.List(new a.Field("item", item, true)));
  if (column.typeId === DuckDBTypeId.DECIMAL) return a.vectorFromArray(values, new a.Float64());
  return a.vectorFromArray(values);
}

function dictionaryVector(a: Arrow, column: StringColumn, length: number) {
  const nulls = nullBitmap(length, (i) => column.codes[i]! >= 0);
  const dictionary = a.vectorFromArray(column.dictionary as string[], new a.Utf8());
  const type = new a.Dictionary(new a.Utf8(), new a.Int32());
  const codes = nulls.count === 0 ? column.codes : column.codes.map((c) => Math.max(c, 0));
  return a.makeVector(
    a.makeData({ type, length, nullCount: nulls.count, nullBitmap: nulls.bitmap, data: codes, dictionary }),
  );
}

/** Arrow's validity layout: bit i (LSB first) set when row i holds a value. */
function nullBitmap(length: number, valid: (i: number) => boolean) {
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let count = 0;
  for (let i = 0; i < length; i++) {
    if (valid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
    else count++;
  }
  return { bitmap, count };
}
