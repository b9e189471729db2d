/**
 * Tolerant readers for raw exchange values. They never throw: a malformed value becomes NaN (or
 * null where the column is nullable), so the row still reaches validation and is quarantined with
 * a reason instead of aborting the page and losing its good rows.
 */

/** A number from a JSON number or a numeric string; NaN for anything else (including "" and null). */
export function readNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/** Like readNumber, but absent values ("", null, undefined) become null. */
export function readNullableNumber(value: unknown): number | null {
  if (value === undefined || value === null || value === "") return null;
  return readNumber(value);
}

/**
 * Epoch milliseconds from an exchange timestamp, whatever its unit: seconds (Coinbase), milliseconds,
 * microseconds (Binance spot archives since 2025) or nanoseconds. Decided by magnitude, which is
 * unambiguous for any date between 1973 and 5138.
 */
export function readEpochMs(value: unknown): number {
  const n = readNumber(value);
  if (!Number.isFinite(n)) return Number.NaN;
  if (n >= 1e17) return Math.floor(n / 1e6);
  if (n >= 1e14) return Math.floor(n / 1e3);
  if (n < 1e11) return n * 1000;
  return n;
}

/** A plain object, or an empty one, so field access on a malformed item stays safe. */
export function readRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** An array, or an empty one. */
export function readArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A property path of a JSON body, e.g. `readPath(body, "result", "list")`. */
export function readPath(value: unknown, ...keys: string[]): unknown {
  let cur: unknown = value;
  for (const key of keys) cur = readRecord(cur)[key];
  return cur;
}

/** A body whose envelope is not what its endpoint returns (the exchange changed its format). */
export class PayloadFormatError extends Error {
  override readonly name = "PayloadFormatError";
}

/**
 * The body itself, after checking that the array its rows live in is where the endpoint puts it.
 * The readers above tolerate any value inside a row; a replay must not take a changed envelope for
 * an empty page, so its parsers check the envelope first.
 */
export function expectArrayAt<T>(body: T, ...keys: string[]): T {
  if (!Array.isArray(readPath(body, ...keys))) {
    const where = keys.length ? keys.join(".") : "the top level";
    throw new PayloadFormatError(`no array at ${where} (the format changed?)`);
  }
  return body;
}
