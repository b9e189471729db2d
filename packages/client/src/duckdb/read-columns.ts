import { DuckDBListType, DuckDBTypeId, type DuckDBMaterializedResult } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { toPlainValue, type PlainValue } from "./plain-value.js";
import { readNumbers, StringDictionary, vectorKind, type VectorKind } from "./read-vector.js";

/** A string column as a dictionary: row i is `dictionary[codes[i]]`, code -1 is null. */
export interface StringColumn {
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

/**
 * One column of a result: numbers and times (epoch ms) as a Float64Array with NaN for null, strings
 * as a dictionary, anything else (lists) as an array of plain values.
 */
export type ColumnValues = Float64Array | StringColumn | PlainValue[];

/** A result as columns: `length` rows, one entry per column, in the query's column order. */
export interface ColumnTable<C extends object = Record<string, ColumnValues>> {
  readonly length: number;
  readonly columns: C;
}

/** What a result column is: its name, DuckDB type and how it is read. */
export interface ResultColumn {
  readonly name: string;
  readonly typeId: number;
  readonly kind: VectorKind;
  /** For a LIST, its items' type (the Arrow conversion needs it). */
  readonly itemTypeId?: number;
}

export function describeColumns(result: DuckDBMaterializedResult): ResultColumn[] {
  return result.deduplicatedColumnNames().map((name, index) => {
    const typeId = result.columnTypeId(index);
    const type = typeId === DuckDBTypeId.LIST ? result.columnType(index) : null;
    const itemTypeId = type instanceof DuckDBListType ? type.valueType.typeId : undefined;
    return { name, typeId, kind: vectorKind(typeId), itemTypeId };
  });
}

/**
 * Reads a materialized result into columns: one allocation per column, then each chunk's vectors
 * copied from DuckDB's memory. Only `values` columns (lists) make a JS value per cell.
 */
export async function readColumns(
  result: DuckDBMaterializedResult,
  described: readonly ResultColumn[] = describeColumns(result),
): Promise<ColumnTable> {
  const length = Number(result.rowCount);
  const columns: Record<string, ColumnValues> = {};
  const fill = described.map((column, index) => {
    switch (column.kind) {
      case "number":
      case "time": {
        const out = new Float64Array(length);
        columns[column.name] = out;
        return (chunk: Chunk, offset: number) =>
          readNumbers(chunk.vector(index), column.typeId, chunk.size, out, offset);
      }
      case "string": {
        const codes = new Int32Array(length);
        const dictionary = new StringDictionary();
        columns[column.name] = { codes, dictionary: dictionary.values };
        return (chunk: Chunk, offset: number) =>
          dictionary.read(chunk.vector(index), chunk.size, codes, offset);
      }
      default: {
        const out = new Array<PlainValue>(length);
        columns[column.name] = out;
        return (chunk: Chunk, offset: number) => {
          const values = chunk.values(index);
          for (let i = 0; i < values.length; i++) out[offset + i] = values[i]!;
        };
      }
    }
  });
  let offset = 0;
  for await (const chunk of chunksOf(result)) {
    for (const read of fill) read(chunk, offset);
    offset += chunk.size;
  }
  return { length, columns };
}

/** One chunk of a result: its size, raw vectors, and plain values for columns read cell by cell. */
export interface Chunk {
  readonly size: number;
  vector(column: number): duckdb.Vector;
  values(column: number): PlainValue[];
}

/**
 * The chunks of a materialized result, in order. Each is fetched (copied out of DuckDB's result) on
 * a worker thread while the caller reads the one before: that copy costs about as much as reading
 * the vectors (1M candles: ~0.5 s each), and `getChunk`, its synchronous form, made them add up.
 */
export async function* chunksOf(result: DuckDBMaterializedResult): AsyncGenerator<Chunk> {
  let next = result.fetchChunk();
  for (;;) {
    const chunk = await next;
    if (chunk === null || chunk.rowCount === 0) return;
    next = result.fetchChunk();
    // Awaited on the next turn; a caller that stops early leaves it unobserved, not unhandled.
    next.catch(() => undefined);
    const size = chunk.rowCount;
    yield {
      size,
      vector: (column) => duckdb.data_chunk_get_vector(chunk.chunk, column),
      values: (column) => chunk.convertColumnValues(column, toPlainValue) as PlainValue[],
    };
  }
}
