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

/** First index seen per primary key, as maps nested by key column: no key string is built per row. */
class KeyIndex {
  private readonly root = new Map<unknown, unknown>();
  private readonly prefix: readonly string[];
  private readonly last: string;

  constructor(key: readonly string[]) {
    this.prefix = key.slice(0, -1);
    this.last = key[key.length - 1]!;
  }

  /** The index stored for the row's key, or stores `index` and returns undefined. */
  findOrAdd(row: Readonly<Record<string, unknown>>, index: number): number | undefined {
    let map = this.root;
    const depth = this.prefix.length;
    for (let i = 0; i < depth; i++) {
      const value = row[this.prefix[i]!];
      let next = map.get(value);
      if (next === undefined) {
        next = i === depth - 1 ? new LastColumnIndex() : new Map();
        map.set(value, next);
      }
      if (i === depth - 1) return (next as LastColumnIndex).findOrAdd(row[this.last], index);
      map = next as Map<unknown, unknown>;
    }
    // A single-column key: the root holds the rows directly.
    let leaf = map.get(KeyIndex.ROOT) as LastColumnIndex | undefined;
    if (leaf === undefined) {
      leaf = new LastColumnIndex();
      map.set(KeyIndex.ROOT, leaf);
    }
    return leaf.findOrAdd(row[this.last], index);
  }

  private static readonly ROOT = Symbol("root");
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
