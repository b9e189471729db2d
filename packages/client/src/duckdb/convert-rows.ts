import { DuckDBTypeId, type DuckDBMaterializedResult } from "@duckdb/node-api";
import type { PlainRow, PlainValue } from "./plain-value.js";
import { chunksOf, describeColumns, type Chunk, type ResultColumn } from "./read-columns.js";
import { isValid, readNumbers, readValidity, StringDictionary } from "./read-vector.js";

export type { PlainRow, PlainValue } from "./plain-value.js";

/** Reads one column of the current chunk; `get(i)` is row i's plain value. */
interface CellReader {
  load(chunk: Chunk): void;
  get(i: number): PlainValue;
}

/** The vector size DuckDB fills a chunk to at most. */
const CHUNK_CAPACITY = 2048;

function cellReader(column: ResultColumn, index: number): CellReader {
  switch (column.kind) {
    case "number":
    case "time": {
      const numbers = new Float64Array(CHUNK_CAPACITY);
      let validity: Uint8Array | null = null;
      const load = (chunk: Chunk) => {
        const vector = chunk.vector(index);
        readNumbers(vector, column.typeId, chunk.size, numbers, 0);
        validity = readValidity(vector, chunk.size);
      };
      if (column.kind === "time")
        return { load, get: (i) => (isValid(validity, i) ? new Date(numbers[i]!) : null) };
      if (column.typeId === DuckDBTypeId.BOOLEAN)
        return { load, get: (i) => (isValid(validity, i) ? numbers[i] === 1 : null) };
      return { load, get: (i) => (isValid(validity, i) ? numbers[i]! : null) };
    }
    case "string": {
      const codes = new Int32Array(CHUNK_CAPACITY);
      const dictionary = new StringDictionary();
      return {
        load: (chunk) => dictionary.read(chunk.vector(index), chunk.size, codes, 0),
        get: (i) => (codes[i]! < 0 ? null : dictionary.values[codes[i]!]!),
      };
    }
    default: {
      let values: PlainValue[] = [];
      return { load: (chunk) => (values = chunk.values(index)), get: (i) => values[i]! };
    }
  }
}

/**
 * The one place query results become row objects: each chunk's vectors are read from DuckDB's
 * memory, then each row is built once (strings shared from a dictionary, times as Dates).
 */
export function convertRows(result: DuckDBMaterializedResult): PlainRow[] {
  const described = describeColumns(result);
  const readers = described.map(cellReader);
  const makeRow = rowFactory(
    described.map((c) => c.name),
    readers,
  );
  const rows = new Array<PlainRow>(Number(result.rowCount));
  let next = 0;
  for (const chunk of chunksOf(result)) {
    for (const reader of readers) reader.load(chunk);
    for (let i = 0; i < chunk.size; i++) rows[next++] = makeRow(i);
  }
  return rows;
}

/**
 * Builds row i of the current chunk. Generated once per result as one object literal naming every
 * column: V8 then gives every row one shape with its properties in the object (adding them one by
 * one would grow a property store per row, and a million rows spend most of their time in the
 * garbage collector), and each column's read is its own call site. Names are JSON-quoted; a column
 * named `__proto__`, which a literal would take as the prototype, gets the plain loop.
 */
function rowFactory(names: readonly string[], readers: readonly CellReader[]): (i: number) => PlainRow {
  if (names.includes("__proto__")) {
    return (i) => {
      const row: PlainRow = {};
      for (let c = 0; c < readers.length; c++)
        Object.defineProperty(row, names[c]!, {
          value: readers[c]!.get(i),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return row;
    };
  }
  const fields = names.map((name, c) => `${JSON.stringify(name)}: r[${c}].get(i)`).join(", ");
  const build = new Function("r", `"use strict"; return (i) => ({ ${fields} });`) as (
    r: readonly CellReader[],
  ) => (i: number) => PlainRow;
  return build(readers);
}
