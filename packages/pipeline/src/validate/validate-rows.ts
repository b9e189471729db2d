import { TABLES, type Row, type TableName } from "@cexdata/schema";
import { rulesOf, type RowSource, type ValidationContext } from "./rules.js";
import { buildFastShapeCheck, checkShapeWithZod } from "./shape.js";

/** A row that failed validation: quarantined with its reason, never stored. */
export interface RejectedRow {
  readonly row: unknown;
  /** Stable and groupable, e.g. `high_below_open_close`; see `VALIDATION_RULES` and `SHAPE_REASONS`. */
  readonly reason: string;
  /** Human detail: the field and the values that broke the rule. */
  readonly detail: string;
  readonly source: RowSource;
}

export interface ValidationResult<T extends TableName> {
  readonly accepted: Row<T>[];
  readonly rejected: RejectedRow[];
}

/** Reasons given for rows whose shape zod refuses (before any rule runs). */
export const SHAPE_REASONS = [
  "invalid_shape",
  "non_finite_number",
  "price_not_positive",
  "negative_amount",
] as const;
export const DUPLICATE_REASON = "conflicting_duplicate";

const fastChecks = new Map<TableName, (row: unknown) => boolean>();

function fastCheckOf(table: TableName): (row: unknown) => boolean {
  let check = fastChecks.get(table);
  if (!check) {
    check = buildFastShapeCheck(table);
    fastChecks.set(table, check);
  }
  return check;
}

/** The table's primary key values of a row, joined into one string. */
export function buildKeyOf(table: TableName): (row: Readonly<Record<string, unknown>>) => string {
  const key = TABLES[table].key as readonly string[];
  if (key.length === 4) {
    const [a, b, c, d] = key as [string, string, string, string];
    return (r) => `${String(r[a])}\u0001${String(r[b])}\u0001${String(r[c])}\u0001${String(r[d])}`;
  }
  return (r) => key.map((k) => String(r[k])).join("\u0001");
}

function differingColumn(
  table: TableName,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): string | null {
  for (const name of Object.keys(TABLES[table].columns)) {
    const x = a[name];
    const y = b[name];
    if (x === y) continue;
    if (Array.isArray(x) && Array.isArray(y) && JSON.stringify(x) === JSON.stringify(y)) continue;
    return name;
  }
  return null;
}

/**
 * Validates rows of one table: zod shape (`ROW_SCHEMAS`), then every rule of `VALIDATION_RULES`
 * that applies, then duplicates within the batch (exact copies collapse to one; rows sharing a key
 * with different values are all rejected as `conflicting_duplicate`). Accepted rows keep input order.
 */
export function validateRows<T extends TableName>(
  table: T,
  rows: readonly unknown[],
  ctx: ValidationContext,
): ValidationResult<T> {
  const fastCheck = fastCheckOf(table);
  const rules = rulesOf(table);
  const keyOf = buildKeyOf(table);
  const rejected: RejectedRow[] = [];
  const candidates: Record<string, unknown>[] = [];
  const indexByKey = new Map<string, number>();
  let conflicts: Map<string, string> | undefined;

  for (let i = 0; i < rows.length; i++) {
    const input = rows[i];
    let row: Record<string, unknown>;
    if (fastCheck(input)) row = input as Record<string, unknown>;
    else {
      const shape = checkShapeWithZod(table, input);
      if (!shape.ok) {
        rejected.push({ row: input, ...shape.issue, source: ctx.source });
        continue;
      }
      row = shape.row;
    }
    let broken = false;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      const detail = rule.check(row, table, ctx.nowMs);
      if (detail !== null) {
        rejected.push({ row: input, reason: rule.reason, detail, source: ctx.source });
        broken = true;
        break;
      }
    }
    if (broken) continue;
    const key = keyOf(row);
    const first = indexByKey.get(key);
    if (first === undefined) {
      indexByKey.set(key, candidates.length);
      candidates.push(row);
      continue;
    }
    const column = differingColumn(table, candidates[first]!, row);
    if (column === null) continue;
    conflicts ??= new Map();
    if (!conflicts.has(key)) conflicts.set(key, column);
    rejected.push({
      row: input,
      reason: DUPLICATE_REASON,
      detail: `another row with key ${key.replaceAll("\u0001", "|")} differs in ${column}`,
      source: ctx.source,
    });
  }
  if (!conflicts) return { accepted: candidates as Row<T>[], rejected };

  const accepted: Record<string, unknown>[] = [];
  for (const row of candidates) {
    const key = keyOf(row);
    const column = conflicts.get(key);
    if (column === undefined) accepted.push(row);
    else
      rejected.push({
        row,
        reason: DUPLICATE_REASON,
        detail: `another row with key ${key.replaceAll("\u0001", "|")} differs in ${column}`,
        source: ctx.source,
      });
  }
  return { accepted: accepted as Row<T>[], rejected };
}
