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

interface ColumnCheck {
  readonly name: string;
  readonly nullable: boolean;
  readonly test: ValueTest;
}

export interface ShapeIssue {
  readonly reason: string;
  readonly detail: string;
}

const MEMO_LIMIT = 10_000;

function innerSchema(column: ColumnDef): z.ZodType {
  const def = column.zod._zod.def as { type: string; innerType?: z.ZodType };
  return def.type === "nullable" && def.innerType ? def.innerType : column.zod;
}

function buildNumberTest(schema: z.ZodNumber): ValueTest {
  const min = schema.minValue ?? -Infinity;
  const max = schema.maxValue ?? Infinity;
  const exclusiveMin = Number.isFinite(min) && !schema.safeParse(min).success;
  const exclusiveMax = Number.isFinite(max) && !schema.safeParse(max).success;
  const int = schema.isInt === true;
  return (v) =>
    typeof v === "number" &&
    Number.isFinite(v) &&
    (exclusiveMin ? v > min : v >= min) &&
    (exclusiveMax ? v < max : v <= max) &&
    (!int || Number.isInteger(v));
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

function buildColumnCheck(name: string, column: ColumnDef): ColumnCheck {
  const inner = innerSchema(column);
  let test: ValueTest;
  if (inner instanceof z.ZodNumber) test = buildNumberTest(inner);
  else if (inner instanceof z.ZodBoolean) test = (v) => typeof v === "boolean";
  else if (column.type === "VARCHAR") test = buildMemoTest(inner);
  else test = (v) => inner.safeParse(v).success;
  return { name, nullable: column.nullable, test };
}

/** A fast predicate: true only for rows `ROW_SCHEMAS[table]` accepts unchanged. */
export function buildFastShapeCheck(table: TableName): (row: unknown) => boolean {
  const checks = Object.entries(tableDef(table).columns).map(([name, c]) => buildColumnCheck(name, c));
  const count = checks.length;
  return (row) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) return false;
    if (Object.getPrototypeOf(row) !== Object.prototype) return false;
    let keys = 0;
    for (const _ in row) keys++;
    if (keys !== count) return false;
    const record = row as Record<string, unknown>;
    for (let i = 0; i < count; i++) {
      const check = checks[i]!;
      const v = record[check.name];
      if (v === null) {
        if (!check.nullable) return false;
      } else if (!check.test(v)) return false;
    }
    return true;
  };
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
