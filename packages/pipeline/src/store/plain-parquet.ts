/**
 * The smallest Parquet DuckDB reads at full speed: REQUIRED DOUBLE columns, PLAIN encoding (a
 * column's values as little-endian doubles, which is what a Float64Array holds), no compression,
 * one data page per column per row group. Written from the format's specification
 * (parquet-format's parquet.thrift, Thrift's compact protocol); used for staged rows only (see
 * spilled-rows.ts), never for the dataset's files, which DuckDB writes.
 */

/** Parquet files begin and end with these four bytes. */
export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

/** Thrift compact protocol type ids. */
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

/** parquet.thrift enum values used here. */
const TYPE_DOUBLE = 5;
const REPETITION_REQUIRED = 0;
const ENCODING_PLAIN = 0;
const ENCODING_RLE = 3;
const CODEC_UNCOMPRESSED = 0;
const PAGE_DATA = 0;

/** A Thrift compact-protocol writer, just enough for Parquet's page headers and footer. */
class CompactWriter {
  private bytes: number[] = [];
  private lastField: number[] = [0];

  private varint(n: number): void {
    // Values here are non-negative and below 2^53: division, not bit operations (32-bit in JS).
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
  }

  private zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  private fieldHeader(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1]!;
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }

  i32(id: number, value: number): this {
    this.fieldHeader(id, T_I32);
    this.zigzag(value);
    return this;
  }

  i64(id: number, value: number): this {
    this.fieldHeader(id, T_I64);
    this.zigzag(value);
    return this;
  }

  string(id: number, value: string): this {
    this.fieldHeader(id, T_BINARY);
    const utf8 = new TextEncoder().encode(value);
    this.varint(utf8.length);
    for (const b of utf8) this.bytes.push(b);
    return this;
  }

  /** A struct field: `body` writes its fields. */
  struct(id: number, body: (w: this) => void): this {
    this.fieldHeader(id, T_STRUCT);
    this.structBody(body);
    return this;
  }

  /** A list field of structs, i32s or strings. */
  list<T>(
    id: number,
    type: "struct" | "i32" | "string",
    items: readonly T[],
    write: (w: this, item: T, index: number) => void,
  ): this {
    this.fieldHeader(id, T_LIST);
    const elem = type === "struct" ? T_STRUCT : type === "i32" ? T_I32 : T_BINARY;
    if (items.length < 15) this.bytes.push((items.length << 4) | elem);
    else {
      this.bytes.push(0xf0 | elem);
      this.varint(items.length);
    }
    items.forEach((item, i) => {
      if (type === "struct") this.structBody((w) => write(w, item, i));
      else write(this, item, i);
    });
    return this;
  }

  /** A list element (no field header): an i32 or a string. */
  element(value: number | string): this {
    if (typeof value === "number") this.zigzag(value);
    else {
      const utf8 = new TextEncoder().encode(value);
      this.varint(utf8.length);
      for (const b of utf8) this.bytes.push(b);
    }
    return this;
  }

  /** The fields of a struct written by `body`, then the stop byte. */
  structBody(body: (w: this) => void): this {
    this.lastField.push(0);
    body(this);
    this.bytes.push(0);
    this.lastField.pop();
    return this;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** The header of a data page of `rows` REQUIRED DOUBLE values, PLAIN, uncompressed. */
export function dataPageHeader(rows: number): Uint8Array {
  const size = rows * Float64Array.BYTES_PER_ELEMENT;
  return new CompactWriter()
    .structBody((w) =>
      w
        .i32(1, PAGE_DATA)
        .i32(2, size)
        .i32(3, size)
        .struct(5, (d) => d.i32(1, rows).i32(2, ENCODING_PLAIN).i32(3, ENCODING_RLE).i32(4, ENCODING_RLE)),
    )
    .toBytes();
}

/** Where one column's page of a row group sits in the file. */
export interface ColumnPage {
  /** File offset of the page header. */
  readonly offset: number;
  /** Header and values, in bytes. */
  readonly bytes: number;
}

export interface RowGroupLayout {
  readonly rows: number;
  /** One page per column, in schema order. */
  readonly pages: readonly ColumnPage[];
}

/**
 * The footer (FileMetaData, then its length as a little-endian int32 and the magic) of a file of
 * REQUIRED DOUBLE columns `names` with the row groups `groups`.
 */
export function parquetFooter(names: readonly string[], groups: readonly RowGroupLayout[]): Uint8Array {
  const rows = groups.reduce((sum, g) => sum + g.rows, 0);
  const meta = new CompactWriter()
    .structBody((w) =>
      w
        .i32(1, 1)
        .list(2, "struct", [null, ...names], (s, name) => {
          if (name === null) s.string(4, "schema").i32(5, names.length);
          else s.i32(1, TYPE_DOUBLE).i32(3, REPETITION_REQUIRED).string(4, name);
        })
        .i64(3, rows)
        .list(4, "struct", groups, (g, group) => {
          g.list(1, "struct", group.pages, (c, page, i) => {
            c.i64(2, page.offset).struct(3, (m) =>
              m
                .i32(1, TYPE_DOUBLE)
                .list(2, "i32", [ENCODING_PLAIN, ENCODING_RLE], (e, v) => e.element(v))
                .list(3, "string", [names[i]!], (e, v) => e.element(v))
                .i32(4, CODEC_UNCOMPRESSED)
                .i64(5, group.rows)
                .i64(6, page.bytes)
                .i64(7, page.bytes)
                .i64(9, page.offset),
            );
          })
            .i64(
              2,
              group.pages.reduce((sum, p) => sum + p.bytes, 0),
            )
            .i64(3, group.rows);
        }),
    )
    .toBytes();
  const out = new Uint8Array(meta.length + 8);
  out.set(meta, 0);
  new DataView(out.buffer).setInt32(meta.length, meta.length, true);
  out.set(PARQUET_MAGIC, meta.length + 4);
  return out;
}
