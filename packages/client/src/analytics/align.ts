import type { TimedValue } from "./series.js";

/** Rows of several series that share one timestamp. */
export interface AlignedRow {
  readonly ts: Date;
  /** One value per input series, in the order the series were given. */
  readonly values: number[];
}

/**
 * Inner-joins series on `ts` (millisecond equality): only the timestamps every series has are
 * kept, in ascending time. A gap in one series drops that timestamp for all, so returns computed
 * afterwards span the same two instants in every column. Later duplicates of a ts win.
 */
export function alignOnTs(series: readonly (readonly TimedValue[])[]): AlignedRow[] {
  if (series.length === 0) return [];
  const maps = series.map((s) => new Map(s.map((p) => [p.ts.getTime(), p.value] as const)));
  const [first, ...rest] = maps;
  if (first === undefined) return [];
  const times = [...first.keys()].filter((t) => rest.every((m) => m.has(t))).sort((a, b) => a - b);
  return times.map((t) => ({ ts: new Date(t), values: maps.map((m) => m.get(t) as number) }));
}

/** `{ts, value: close}` for each candle: the usual input to the ts-aligned analytics. */
export function selectCloses(candles: readonly { ts: Date; close: number }[]): TimedValue[] {
  return candles.map((c) => ({ ts: c.ts, value: c.close }));
}
