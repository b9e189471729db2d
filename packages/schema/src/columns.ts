import { z } from "zod";

/**
 * Column builders. Each column carries its DuckDB type, nullability, documentation and the zod
 * schema of its value in a pipeline row, so a table is declared once and everything else
 * (row types, the Parquet writer, the manifest, the dataset card, the client's row types) derives from it.
 */
export type DuckDBType =
  "VARCHAR" | "DOUBLE" | "BIGINT" | "INTEGER" | "BOOLEAN" | "TIMESTAMP_MS" | "VARCHAR[]";

export interface ColumnDef<
  T extends DuckDBType = DuckDBType,
  Z extends z.ZodType = z.ZodType,
  N extends boolean = boolean,
> {
  readonly type: T;
  readonly nullable: N;
  readonly doc: string;
  /** The value in a pipeline row: timestamps are epoch milliseconds (UTC). */
  readonly zod: Z;
}

function column<T extends DuckDBType, Z extends z.ZodType>(
  type: T,
  zod: Z,
  doc: string,
): ColumnDef<T, Z, false> {
  return { type, nullable: false, doc, zod };
}

/** Marks a column nullable: the value may be `null` in a row and in Parquet. */
export function nullable<T extends DuckDBType, Z extends z.ZodType>(
  col: ColumnDef<T, Z, false>,
): ColumnDef<T, z.ZodNullable<Z>, true> {
  return { ...col, nullable: true, zod: col.zod.nullable() };
}

const finite = () => z.number().finite();

export const col = {
  text: <S extends z.ZodType<string> = z.ZodString>(doc: string, schema?: S) =>
    column("VARCHAR", (schema ?? z.string().min(1)) as S, doc),
  /** Epoch milliseconds UTC in rows; TIMESTAMP with millisecond precision in Parquet. */
  timestamp: (doc: string) => column("TIMESTAMP_MS", z.number().int().min(0).max(8_640_000_000_000), doc),
  /** A strictly positive price. */
  price: (doc: string) => column("DOUBLE", finite().positive(), doc),
  /** A quantity that may be zero but never negative. */
  amount: (doc: string) => column("DOUBLE", finite().nonnegative(), doc),
  /** Any finite number (funding rates are negative at times). */
  number: (doc: string) => column("DOUBLE", finite(), doc),
  count: (doc: string) => column("BIGINT", z.number().int().nonnegative(), doc),
  integer: (doc: string) => column("INTEGER", z.number().int(), doc),
  boolean: (doc: string) => column("BOOLEAN", z.boolean(), doc),
  textList: (doc: string) => column("VARCHAR[]", z.array(z.string().min(1)), doc),
};

export type Columns = Readonly<Record<string, ColumnDef>>;
