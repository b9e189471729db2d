import { DuckDBTypeId } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";

/**
 * Reads DuckDB result vectors straight from their memory (no DuckDBValue, no JS value per cell):
 * numbers and times into a Float64Array, strings into dictionary codes. Used by both result shapes,
 * columns and rows, so they cannot disagree.
 */

/** How a result column is read. `values`: anything else (lists, decimals...), one JS value per cell. */
export type VectorKind = "number" | "time" | "string" | "values";

/** Writes `count` values from a vector's raw buffer to out[offset...] as doubles. */
type NumberDecoder = (data: Uint8Array, count: number, out: Float64Array, offset: number) => void;

const TWO_32 = 4_294_967_296;

type TypedArrayOf = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;

/** Same-width or narrower numbers: one native copy (`set` converts element types itself). */
function copyDecoder(Typed: TypedArrayOf, scale = 1): NumberDecoder {
  return (data, count, out, offset) => {
    out.set(new Typed(data.buffer, data.byteOffset, count), offset);
    if (scale !== 1) for (let i = offset; i < offset + count; i++) out[i]! *= scale;
  };
}

/** An int64 as two int32 words (little-endian), so no BigInt is made: exact below 2^53. */
function int64Decoder(scale: number, unsigned = false): NumberDecoder {
  return (data, count, out, offset) => {
    const words = new Int32Array(data.buffer, data.byteOffset, count * 2);
    for (let i = 0; i < count; i++) {
      const high = unsigned ? words[2 * i + 1]! >>> 0 : words[2 * i + 1]!;
      out[offset + i] = (high * TWO_32 + (words[2 * i]! >>> 0)) * scale;
    }
  };
}

const hugeintDecoder =
  (unsigned: boolean): NumberDecoder =>
  (data, count, out, offset) => {
    const words = new Int32Array(data.buffer, data.byteOffset, count * 4);
    for (let i = 0; i < count; i++) {
      const w = 4 * i;
      const top = unsigned ? words[w + 3]! >>> 0 : words[w + 3]!;
      const upper = top * TWO_32 + (words[w + 2]! >>> 0);
      out[offset + i] = upper * TWO_32 * TWO_32 + ((words[w + 1]! >>> 0) * TWO_32 + (words[w]! >>> 0));
    }
  };

/** DuckDB's bool is one byte, 0 or 1 (sizeof_bool is checked where the type table is built). */
const booleanDecoder = copyDecoder(Uint8Array);

interface NumberType {
  readonly kind: "number" | "time";
  readonly bytes: number;
  readonly decode: NumberDecoder;
}

const MS_PER_DAY = 86_400_000;
const BOOL_TYPE: Partial<Record<DuckDBTypeId, NumberType>> =
  duckdb.sizeof_bool === 1
    ? { [DuckDBTypeId.BOOLEAN]: { kind: "number", bytes: 1, decode: booleanDecoder } }
    : {};

/** Numbers become doubles; times become epoch milliseconds. */
const NUMBER_TYPES: Partial<Record<DuckDBTypeId, NumberType>> = {
  ...BOOL_TYPE,
  [DuckDBTypeId.DOUBLE]: { kind: "number", bytes: 8, decode: copyDecoder(Float64Array) },
  [DuckDBTypeId.FLOAT]: { kind: "number", bytes: 4, decode: copyDecoder(Float32Array) },
  [DuckDBTypeId.BIGINT]: { kind: "number", bytes: 8, decode: int64Decoder(1) },
  [DuckDBTypeId.UBIGINT]: { kind: "number", bytes: 8, decode: int64Decoder(1, true) },
  [DuckDBTypeId.INTEGER]: { kind: "number", bytes: 4, decode: copyDecoder(Int32Array) },
  [DuckDBTypeId.UINTEGER]: { kind: "number", bytes: 4, decode: copyDecoder(Uint32Array) },
  [DuckDBTypeId.SMALLINT]: { kind: "number", bytes: 2, decode: copyDecoder(Int16Array) },
  [DuckDBTypeId.USMALLINT]: { kind: "number", bytes: 2, decode: copyDecoder(Uint16Array) },
  [DuckDBTypeId.TINYINT]: { kind: "number", bytes: 1, decode: copyDecoder(Int8Array) },
  [DuckDBTypeId.UTINYINT]: { kind: "number", bytes: 1, decode: copyDecoder(Uint8Array) },
  [DuckDBTypeId.HUGEINT]: { kind: "number", bytes: 16, decode: hugeintDecoder(false) },
  [DuckDBTypeId.UHUGEINT]: { kind: "number", bytes: 16, decode: hugeintDecoder(true) },
  // Microseconds; the dataset's times are whole milliseconds, so the division is exact.
  [DuckDBTypeId.TIMESTAMP]: { kind: "time", bytes: 8, decode: int64Decoder(1 / 1000) },
  [DuckDBTypeId.TIMESTAMP_TZ]: { kind: "time", bytes: 8, decode: int64Decoder(1 / 1000) },
  [DuckDBTypeId.TIMESTAMP_MS]: { kind: "time", bytes: 8, decode: int64Decoder(1) },
  [DuckDBTypeId.TIMESTAMP_S]: { kind: "time", bytes: 8, decode: int64Decoder(1000) },
  [DuckDBTypeId.TIMESTAMP_NS]: { kind: "time", bytes: 8, decode: int64Decoder(1 / 1_000_000) },
  [DuckDBTypeId.DATE]: { kind: "time", bytes: 4, decode: copyDecoder(Int32Array, MS_PER_DAY) },
};

export function vectorKind(typeId: DuckDBTypeId): VectorKind {
  if (typeId === DuckDBTypeId.VARCHAR) return "string";
  return NUMBER_TYPES[typeId]?.kind ?? "values";
}

/**
 * The validity mask of a vector (bit i set = row i is not null), or null when every row of the
 * `count` is valid. DuckDB often keeps a mask with every bit set: checking it a byte at a time here
 * spares the callers a bit test per cell.
 */
export function readValidity(vector: duckdb.Vector, count: number): Uint8Array | null {
  const mask = duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
  if (!mask) return null;
  const whole = count >> 3;
  for (let b = 0; b < whole; b++) if (mask[b] !== 0xff) return mask;
  const rest = count & 7;
  return rest === 0 || (mask[whole]! & ((1 << rest) - 1)) === (1 << rest) - 1 ? null : mask;
}

export function isValid(validity: Uint8Array | null, i: number): boolean {
  return validity === null || (validity[i >> 3]! & (1 << (i & 7))) !== 0;
}

/** Writes `count` values of a number or time vector to out[offset...], NaN where null. */
export function readNumbers(
  vector: duckdb.Vector,
  typeId: DuckDBTypeId,
  count: number,
  out: Float64Array,
  offset: number,
): void {
  const type = NUMBER_TYPES[typeId];
  if (!type) throw new TypeError(`DuckDB type ${DuckDBTypeId[typeId]} is not a number`);
  type.decode(duckdb.vector_get_data(vector, count * type.bytes), count, out, offset);
  const validity = readValidity(vector, count);
  if (validity === null) return;
  for (let b = 0; b << 3 < count; b++) {
    if (validity[b] === 0xff) continue;
    for (let i = b << 3; i < Math.min(count, (b + 1) << 3); i++)
      if (!isValid(validity, i)) out[offset + i] = Number.NaN;
  }
}

const decoder = new TextDecoder();

/**
 * Collects a string column as dictionary codes. DuckDB's string_t is 16 bytes: a length, then the
 * string itself when it fits in 12 bytes (zero-padded, so equal strings have equal bytes), else a
 * 4-byte prefix and a pointer. A row is compared with the row before it word by word, and only a
 * change is decoded into a JS string and looked up: a sorted column of a few series (exchange,
 * symbol, base) costs one string per run, not one per row.
 */
export class StringDictionary {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();

  /** Writes the codes of `count` strings to out[offset...], -1 where null. */
  read(vector: duckdb.Vector, count: number, out: Int32Array, offset: number): void {
    const data = duckdb.vector_get_data(vector, count * 16);
    const words = new Uint32Array(data.buffer, data.byteOffset, count * 4);
    const validity = readValidity(vector, count);
    let code = -1;
    let w0 = -1;
    let w1 = -1;
    let w2 = -1;
    let w3 = -1;
    let previous: string | null = null;
    for (let i = 0; i < count; i++) {
      if (!isValid(validity, i)) {
        out[offset + i] = -1;
        w0 = -1;
        continue;
      }
      const w = 4 * i;
      const length = words[w]!;
      // Same length, prefix and inline bytes (or the same pointer) as the row before: same string.
      if (length === w0 && words[w + 1] === w1 && words[w + 2] === w2 && words[w + 3] === w3) {
        out[offset + i] = code;
        continue;
      }
      w0 = length;
      w1 = words[w + 1]!;
      w2 = words[w + 2]!;
      w3 = words[w + 3]!;
      const text =
        length <= 12
          ? decoder.decode(data.subarray(w * 4 + 4, w * 4 + 4 + length))
          : decoder.decode(
              duckdb.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + w * 4 + 8, length),
            );
      if (text !== previous) code = this.codeOf(text);
      previous = text;
      out[offset + i] = code;
    }
  }

  private codeOf(text: string): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(text);
      this.codes.set(text, code);
    }
    return code;
  }
}
