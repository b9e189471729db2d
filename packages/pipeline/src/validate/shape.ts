import { ROW_SCHEMAS, tableDef, type ColumnDef, type TableName } from "@cexdata/schema";
import { z } from "zod";

/**
 * The row shape is defined by zod (`ROW_SCHEMAS`). zod allocates an issue list and a copy per row,
 * too slow for millions of candles, so each table also gets a plain-loop predicate built FROM the
 * zod column schemas: numeric bounds are read off the schema (and the bound's inclusivity probed),
 * strings are checked by the column's own zod schema once per distinct value. The predicate only
 * ever says "valid" when zod would; anything else falls back to zod for the verdict and the reason
 * (tests prove the equivalence).
 */
type ValueTest = (value: unknown) => boolean;

export interface ShapeIssue {
  readonly reason: string;
  readonly detail: string;
}

const MEMO_LIMIT = 10_000;

function innerSchema(column: ColumnDef): z.ZodType {
  const def = column.zod._zod.def as { type: string; innerType?: z.ZodType };
  return def.type === "nullable" && def.innerType ? def.innerType : column.zod;
}

interface NumberBounds {
  readonly min: number;
  readonly max: number;
  readonly exclusiveMin: boolean;
  readonly exclusiveMax: boolean;
  readonly int: boolean;
}

function numberBounds(schema: z.ZodNumber): NumberBounds {
  const min = schema.minValue ?? -Infinity;
  const max = schema.maxValue ?? Infinity;
  return {
    min,
    max,
    exclusiveMin: Number.isFinite(min) && !schema.safeParse(min).success,
    exclusiveMax: Number.isFinite(max) && !schema.safeParse(max).success,
    int: schema.isInt === true,
  };
}

/** The JS expression of a number test on `v`, with the bounds inlined (they are finite numbers). */
function numberTestSource(b: NumberBounds): string {
  const parts = ["typeof v === 'number'", "v - v === 0"]; // v - v is NaN for NaN and ±Infinity
  if (Number.isFinite(b.min)) parts.push(`v ${b.exclusiveMin ? ">" : ">="} ${b.min}`);
  if (Number.isFinite(b.max)) parts.push(`v ${b.exclusiveMax ? "<" : "<="} ${b.max}`);
  if (b.int) parts.push("Math.floor(v) === v");
  return parts.join(" && ");
}

function buildMemoTest(schema: z.ZodType): ValueTest {
  const memo = new Map<string, boolean>();
  let lastValid: unknown = undefined;
  return (v) => {
    if (v === lastValid) return true;
    if (typeof v !== "string") return false;
    let ok = memo.get(v);
    if (ok === undefined) {
      ok = schema.safeParse(v).success;
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(v, ok);
    }
    if (ok) lastValid = v;
    return ok;
  };
}

/** Source of one column's test on `v`: inlined for numbers and booleans, else a call to `tests[i]`. */
function columnTestSource(column: ColumnDef, tests: ValueTest[]): string {
  const inner = innerSchema(column);
  if (inner instanceof z.ZodNumber) return numberTestSource(numberBounds(inner));
  if (inner instanceof z.ZodBoolean) return "typeof v === 'boolean'";
  tests.push(column.type === "VARCHAR" ? buildMemoTest(inner) : (v) => inner.safeParse(v).success);
  return `tests[${tests.length - 1}](v)`;
}

/**
 * A fast predicate: true only for rows `ROW_SCHEMAS[table]` accepts unchanged. Its body is generated
 * from the column schemas, one statement per column with the property name and bounds written in:
 * property reads by a constant name stay monomorphic, which a loop over names never does (3x).
 */
export function buildFastShapeCheck(table: TableName): (row: unknown) => boolean {
  const tests: ValueTest[] = [];
  const columns = Object.entries(tableDef(table).columns);
  const body = columns.map(([name, column]) => {
    const onNull = column.nullable ? "" : "if (v === null) return false;";
    return `v = row[${JSON.stringify(name)}]; ${onNull} if (v !== null && !(${columnTestSource(column, tests)})) return false;`;
  });
  const source = `return function fastShapeCheck(row) {
    if (typeof row !== "object" || row === null || Array.isArray(row)) return false;
    if (Object.getPrototypeOf(row) !== Object.prototype) return false;
    let keys = 0;
    for (const _ in row) keys++;
    if (keys !== ${columns.length}) return false;
    let v;
    ${body.join("\n    ")}
    return true;
  };`;
  // Generated from our own schema (names are JSON-quoted, bounds are numbers), never from input.
  return new Function("tests", source)(tests) as (row: unknown) => boolean;
}

/**
 * zod's verdict on a row, with the first issue turned into a groupable reason:
 * `non_finite_number`, `price_not_positive`, `negative_amount`, or `invalid_shape`.
 */
export function checkShapeWithZod(
  table: TableName,
  row: unknown,
): { ok: true; row: Record<string, unknown> } | { ok: false; issue: ShapeIssue } {
  const result = ROW_SCHEMAS[table].safeParse(row);
  if (result.success) return { ok: true, row: result.data as Record<string, unknown> };
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  const detail = `${field || "(row)"}: ${issue.message}`;
  const column = typeof issue.path[0] === "string" ? tableDef(table).columns[issue.path[0]] : undefined;
  const value =
    column && typeof row === "object" && row !== null
      ? (row as Record<string, unknown>)[issue.path[0] as string]
      : undefined;
  if (column && typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, issue: { reason: "non_finite_number", detail } };
    if (issue.code === "too_small" && column.type === "DOUBLE" && issue.minimum === 0) {
      const reason = issue.inclusive ? "negative_amount" : "price_not_positive";
      return { ok: false, issue: { reason, detail } };
    }
  }
  return { ok: false, issue: { reason: "invalid_shape", detail } };
}
