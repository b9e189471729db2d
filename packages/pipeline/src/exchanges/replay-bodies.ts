import type { MarketInterface } from "ccxt";
import type { RawBody, ReplayParser, SeriesRef, SeriesRow } from "./types.js";

/**
 * Reads each captured body on its own with `read` (which throws, e.g. a PayloadFormatError, when a
 * body's envelope changed), then builds the series' rows from what the readable ones carry.
 */
export function replayBodies<T>(
  read: (series: SeriesRef, body: RawBody, market: MarketInterface) => T,
  build: (series: SeriesRef, parts: readonly T[]) => readonly SeriesRow[],
): ReplayParser {
  return (series, bodies, market) => {
    const parts: T[] = [];
    const unreadable: { index: number; reason: string }[] = [];
    bodies.forEach((body, index) => {
      try {
        parts.push(read(series, body, market));
      } catch (error) {
        unreadable.push({ index, reason: (error as Error).message });
      }
    });
    return { rows: build(series, parts), unreadable };
  };
}

/** A series whose every body maps to rows by itself (a page of funding, open interest, liquidations). */
export function replayEachBody(
  map: (series: SeriesRef, body: unknown, market: MarketInterface) => readonly SeriesRow[],
): ReplayParser {
  return replayBodies(
    (series, raw, market) => map(series, raw.body, market),
    (_series, parts) => parts.flat(),
  );
}

/** Which of an exchange's statistics a body answered, by its URL path's last segment. */
export function statisticOf<S extends readonly [method: string, ...rest: unknown[]]>(
  statistics: readonly S[],
  endpoint: string,
): S | undefined {
  const segment = (endpoint.split("/").at(-1) ?? "").replace(/-/g, "").toLowerCase();
  return segment === "" ? undefined : statistics.find(([method]) => method.toLowerCase().endsWith(segment));
}
