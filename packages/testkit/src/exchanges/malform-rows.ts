import type { Malformation } from "./faults.js";

type Row = unknown[] | Record<string, unknown>;

/** The list of rows inside a page, wherever the exchange puts it. */
function findRows(body: unknown): Row[] | undefined {
  if (Array.isArray(body)) return body as Row[];
  if (body === null || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  const result = b["result"] as Record<string, unknown> | undefined;
  const list = b["data"] ?? result?.["list"] ?? b["candles"];
  return Array.isArray(list) ? (list as Row[]) : undefined;
}

const TS_KEYS = ["start", "fundingTime", "fundingRateTimestamp", "timestamp", "ts"];
const PRICE_KEYS = {
  open: ["open"],
  high: ["high"],
  low: ["low"],
  close: ["close", "fundingRate", "sumOpenInterest", "openInterest", "oi"],
};

function keyOf(row: Row, field: "ts" | "open" | "high" | "low" | "close"): string | number | undefined {
  if (Array.isArray(row)) return { ts: 0, open: 1, high: 2, low: 3, close: 4 }[field];
  const candidates = field === "ts" ? TS_KEYS : PRICE_KEYS[field];
  return candidates.find((k) => k in row);
}

function get(row: Row, key: string | number): unknown {
  return Array.isArray(row) ? row[key as number] : row[key as string];
}

function put(row: Row, key: string | number, value: unknown): void {
  if (Array.isArray(row)) row[key as number] = value;
  else row[key as string] = value;
}

/** Keeps the wire type: a string stays a string, a number a number. */
function like(original: unknown, value: number | string): unknown {
  return typeof original === "string" ? String(value) : value;
}

/** Whether a timestamp field is in seconds (Coinbase) rather than ms. */
const inSeconds = (ts: number): boolean => ts < 10_000_000_000;

/** Empties the page in `body`, in place (the `empty-page` fault). Returns false when it has no rows. */
export function emptyRows(body: unknown): boolean {
  const rows = findRows(body);
  if (rows === undefined || rows.length === 0) return false;
  rows.splice(0);
  return true;
}

/**
 * Corrupts row `index` (modulo the page size) of the page in `body`, in place. Returns false when
 * the body holds no rows to corrupt.
 */
export function malformRows(body: unknown, kind: Malformation, index: number): boolean {
  const rows = findRows(body);
  if (rows === undefined || rows.length === 0) return false;
  const i = index % rows.length;
  const row = rows[i];
  if (row === undefined || typeof row !== "object") return false;
  const ts = keyOf(row, "ts");
  const low = keyOf(row, "low");
  const high = keyOf(row, "high");
  const close = keyOf(row, "close");
  const tsValue = ts === undefined ? NaN : Number(get(row, ts));
  switch (kind) {
    case "nan":
      if (close !== undefined) put(row, close, like(get(row, close), "NaN"));
      return close !== undefined;
    case "negative-price": {
      const key = low ?? close;
      if (key !== undefined) put(row, key, like(get(row, key), -Math.abs(Number(get(row, key)))));
      return key !== undefined;
    }
    case "high-below-low":
      if (low === undefined || high === undefined) return false;
      [row[high as never], row[low as never]] = [get(row, low) as never, get(row, high) as never];
      return true;
    case "misaligned-ts":
      if (ts !== undefined) put(row, ts, like(get(row, ts), tsValue + (inSeconds(tsValue) ? 7 : 1_234)));
      return ts !== undefined;
    case "microsecond-ts":
      if (ts !== undefined) put(row, ts, like(get(row, ts), tsValue * 1_000));
      return ts !== undefined;
    case "duplicate-ts": {
      const next = rows[(i + 1) % rows.length];
      if (ts === undefined || next === undefined || rows.length < 2) return false;
      put(next, ts, get(row, ts));
      return true;
    }
  }
}
