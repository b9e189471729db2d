import { TABLES, type Row, type TableName } from "@cexdata/schema";
import { rulesOf, type RowSource, type ValidationContext, type ValidationRule } from "./rules.js";
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

/** The table's primary key values of a row, joined into one string (for messages and grouping). */
export function buildKeyOf(table: TableName): (row: Readonly<Record<string, unknown>>) => string {
  const key = TABLES[table].key as readonly string[];
  return (r) => key.map((k) => String(r[k])).join("|");
}

/**
 * The rows of one key prefix (e.g. one series), by the key's last column. Fetched pages arrive in
 * ascending ts, so values are kept as a sorted array while they come in order, and only turned
 * into a Map when one arrives out of order.
 */
class LastColumnIndex {
  private values: number[] = [];
  private indexes: number[] = [];
  private map: Map<unknown, number> | null = null;

  findOrAdd(value: unknown, index: number): number | undefined {
    if (this.map === null && typeof value === "number") {
      const n = this.values.length;
      if (n === 0 || value > this.values[n - 1]!) {
        this.values.push(value);
        this.indexes.push(index);
        return undefined;
      }
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = this.values[mid]!;
        if (v === value) return this.indexes[mid];
        if (v < value) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    if (this.map === null) {
      this.map = new Map(this.values.map((v, i) => [v, this.indexes[i]!]));
      this.values = [];
      this.indexes = [];
    }
    const found = this.map.get(value);
    if (found === undefined) this.map.set(value, index);
    return found;
  }
}

/** The rows of one key prefix (e.g. one series): its values in key order, and its rows' index. */
interface PrefixEntry {
  readonly values: readonly unknown[];
  readonly rows: LastColumnIndex;
}

/** Map's key equality (SameValueZero): NaN matches NaN. */
const sameValueZero = (a: unknown, b: unknown): boolean => a === b || (a !== a && b !== b);

/**
 * First index seen per primary key: one Map by the prefix's most varying column (its last, e.g. the
 * symbol), then the few prefixes sharing that value compared in place. No key string is built per
 * row, and one hash lookup replaces one per key column (a third of validation's time).
 */
class KeyIndex {
  private readonly byLastPrefix = new Map<unknown, PrefixEntry[]>();
  private readonly prefix: readonly string[];
  private readonly last: string;

  constructor(key: readonly string[]) {
    this.prefix = key.slice(0, -1);
    this.last = key[key.length - 1]!;
  }

  /** The index stored for the row's key, or stores `index` and returns undefined. */
  findOrAdd(row: Readonly<Record<string, unknown>>, index: number): number | undefined {
    const prefix = this.prefix;
    const depth = prefix.length;
    // A single-column key: every row shares the empty prefix.
    const lastPrefix = depth === 0 ? KeyIndex.ROOT : row[prefix[depth - 1]!];
    let entries = this.byLastPrefix.get(lastPrefix);
    if (entries === undefined) {
      entries = [];
      this.byLastPrefix.set(lastPrefix, entries);
    }
    search: for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!;
      for (let i = 0; i < depth - 1; i++) {
        if (!sameValueZero(entry.values[i], row[prefix[i]!])) continue search;
      }
      return entry.rows.findOrAdd(row[this.last], index);
    }
    const entry: PrefixEntry = { values: prefix.map((k) => row[k]), rows: new LastColumnIndex() };
    entries.push(entry);
    return entry.rows.findOrAdd(row[this.last], index);
  }

  private static readonly ROOT = Symbol("root");
}

/**
 * The index in `rules` of the first rule a row breaks, or -1. Generated with one call site per
 * rule: a loop calling six different checks through one site is megamorphic and never inlined.
 */
function buildFirstBrokenRule(
  rules: readonly ValidationRule[],
): (row: Readonly<Record<string, unknown>>, table: TableName, nowMs: number) => number {
  const body = rules.map((_, i) => `if (checks[${i}](row, table, nowMs) !== null) return ${i};`).join("\n");
  // Generated from our own rule list (indexes only), never from input.
  return new Function(
    "checks",
    `return function firstBrokenRule(row, table, nowMs) {\n${body}\nreturn -1;\n};`,
  )(rules.map((r) => r.check)) as (
    row: Readonly<Record<string, unknown>>,
    table: TableName,
    nowMs: number,
  ) => number;
}

const firstBrokenRules = new Map<TableName, ReturnType<typeof buildFirstBrokenRule>>();

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
  let firstBrokenRule = firstBrokenRules.get(table);
  if (firstBrokenRule === undefined)
    firstBrokenRules.set(table, (firstBrokenRule = buildFirstBrokenRule(rules)));
  const keyOf = buildKeyOf(table);
  const keyIndex = new KeyIndex(TABLES[table].key as readonly string[]);
  const rejected: RejectedRow[] = [];
  const candidates: Record<string, unknown>[] = [];
  /** Candidate index of the first row of each conflicting key -> the column that differs. */
  let conflicts: Map<number, string> | undefined;

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
    const broken = firstBrokenRule(row, table, ctx.nowMs);
    if (broken >= 0) {
      const rule = rules[broken]!;
      rejected.push({
        row: input,
        reason: rule.reason,
        detail: rule.check(row, table, ctx.nowMs)!,
        source: ctx.source,
      });
      continue;
    }
    const first = keyIndex.findOrAdd(row, candidates.length);
    if (first === undefined) {
      candidates.push(row);
      continue;
    }
    const column = differingColumn(table, candidates[first]!, row);
    if (column === null) continue;
    conflicts ??= new Map();
    if (!conflicts.has(first)) conflicts.set(first, column);
    rejected.push({
      row: input,
      reason: DUPLICATE_REASON,
      detail: `another row with key ${keyOf(row)} differs in ${column}`,
      source: ctx.source,
    });
  }
  if (!conflicts) return { accepted: candidates as Row<T>[], rejected };

  const accepted: Record<string, unknown>[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const row = candidates[i]!;
    const column = conflicts.get(i);
    if (column === undefined) accepted.push(row);
    else
      rejected.push({
        row,
        reason: DUPLICATE_REASON,
        detail: `another row with key ${keyOf(row)} differs in ${column}`,
        source: ctx.source,
      });
  }
  return { accepted: accepted as Row<T>[], rejected };
}
