import type { MarketInterface } from "ccxt";
import { PayloadFormatError } from "./parse-values.js";
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

/**
 * A table read as of now (the schema's `presentOnly`): each body is one reading, whose row is stored
 * at the step its request was sent for (the page start the raw layer kept with it), since a reading
 * says when it was taken only by the exchange's clock. A body kept without that start is unreadable.
 */
export function replayReadings(
  read: (series: SeriesRef, body: unknown, stepMs: number) => SeriesRow,
): ReplayParser {
  return replayBodies(
    (series, raw) => {
      if (raw.pageSinceMs === undefined)
        throw new PayloadFormatError("a reading kept without the step it was read for");
      return read(series, raw.body, raw.pageSinceMs);
    },
    (_series, rows) => rows,
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
