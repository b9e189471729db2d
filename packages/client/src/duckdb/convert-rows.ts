import { DuckDBTypeId, type DuckDBMaterializedResult } from "@duckdb/node-api";
import type { PlainRow, PlainValue } from "./plain-value.js";
import { chunksOf, describeColumns, type Chunk, type ResultColumn } from "./read-columns.js";
import { readNumbers, readValidity, StringDictionary } from "./read-vector.js";

export type { PlainRow, PlainValue } from "./plain-value.js";

/**
 * One column of the current chunk: `load` reads its vector into `state`, and `value` is a JS
 * expression of row `i`'s plain value in terms of `$` (the state), for the generated row builder.
 */
interface CellReader {
  readonly state: object;
  load(chunk: Chunk): void;
  readonly value: string;
}

/** The vector size DuckDB fills a chunk to at most. */
const CHUNK_CAPACITY = 2048;

/** Row i is not null: its bit in the validity mask is set, or there is no mask (no nulls). */
const VALID = "($.validity === null || ($.validity[i >> 3] & (1 << (i & 7))) !== 0)";

function cellReader(column: ResultColumn, index: number): CellReader {
  switch (column.kind) {
    case "number":
    case "time": {
      const state = { numbers: new Float64Array(CHUNK_CAPACITY), validity: null as Uint8Array | null };
      const load = (chunk: Chunk) => {
        const vector = chunk.vector(index);
        readNumbers(vector, column.typeId, chunk.size, state.numbers, 0);
        state.validity = readValidity(vector, chunk.size);
      };
      const value =
        column.kind === "time"
          ? "new Date($.numbers[i])"
          : column.typeId === DuckDBTypeId.BOOLEAN
            ? "$.numbers[i] === 1"
            : "$.numbers[i]";
      return { state, load, value: `${VALID} ? ${value} : null` };
    }
    case "string": {
      const dictionary = new StringDictionary();
      const state = { codes: new Int32Array(CHUNK_CAPACITY), values: dictionary.values };
      return {
        state,
        load: (chunk) => dictionary.read(chunk.vector(index), chunk.size, state.codes, 0),
        value: "$.codes[i] < 0 ? null : $.values[$.codes[i]]",
      };
    }
    default: {
      const state = { values: [] as PlainValue[] };
      return { state, load: (chunk) => (state.values = chunk.values(index)), value: "$.values[i]" };
    }
  }
}

/**
 * The one place query results become row objects: each chunk's vectors are read from DuckDB's
 * memory, then each row is built once (strings shared from a dictionary, times as Dates).
 */
export async function convertRows(result: DuckDBMaterializedResult): Promise<PlainRow[]> {
  const described = describeColumns(result);
  const readers = described.map(cellReader);
  const makeRow = rowBuilder(
    described.map((c) => c.name),
    readers,
  );
  const rows = new Array<PlainRow>(Number(result.rowCount));
  let next = 0;
  for await (const chunk of chunksOf(result)) {
    for (const reader of readers) reader.load(chunk);
    for (let i = 0; i < chunk.size; i++) rows[next++] = makeRow(i);
  }
  return rows;
}

/**
 * Builds row i of the current chunk. Generated once per result as one object literal naming every
 * column, each value read straight from its column's arrays: V8 then gives every row one shape with
 * its properties in the object (adding them one by one grows a property store per row, and a
 * million rows spend most of their time in the garbage collector) and no call per cell. Names are
 * JSON-quoted; a column named `__proto__`, which a literal would take as the prototype, gets a loop.
 */
function rowBuilder(names: readonly string[], readers: readonly CellReader[]): (i: number) => PlainRow {
  const states = readers.map((r) => r.state);
  if (names.includes("__proto__")) {
    const getters = readers.map((r) => new Function("$", "i", `return ${r.value};`));
    return (i) => {
      const row: PlainRow = {};
      names.forEach((name, c) =>
        Object.defineProperty(row, name, {
          value: getters[c]!(states[c], i),
          enumerable: true,
          writable: true,
          configurable: true,
        }),
      );
      return row;
    };
  }
  const fields = names.map(
    (name, c) => `${JSON.stringify(name)}: ${readers[c]!.value.replaceAll("$", `s${c}`)}`,
  );
  const params = states.map((_, c) => `s${c}`);
  const build = new Function(...params, `"use strict"; return (i) => ({ ${fields.join(", ")} });`);
  return build(...states) as (i: number) => PlainRow;
}
