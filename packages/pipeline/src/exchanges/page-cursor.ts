import type { FetchedPage, PageCursor, SeriesRow } from "./types.js";

/** The window a request covers: [sinceMs, min(untilMs, sinceMs + limit * stepMs)). */
export function windowEnd(cursor: PageCursor, limit: number, stepMs: number): number {
  return Math.min(cursor.untilMs, cursor.sinceMs + limit * stepMs);
}

/**
 * The next request after a page. `lastTs` is the newest row the exchange returned (raw, before any
 * filtering). A full page of an oldest-first endpoint continues right after its newest row; a short
 * page (or one whose window held at most `limit` slots) means the window is done.
 */
export function nextCursor(p: {
  cursor: PageCursor;
  rawCount: number;
  limit: number;
  lastTs: number | undefined;
  stepMs: number;
  windowEndMs: number;
  /** Whether a full page may have left rows in its window (oldest-first endpoints without a tight window). */
  fullPageMayContinue: boolean;
}): PageCursor | null {
  if (p.fullPageMayContinue && p.rawCount >= p.limit && p.lastTs !== undefined && Number.isFinite(p.lastTs)) {
    const sinceMs = Math.max(p.lastTs + p.stepMs, p.cursor.sinceMs + 1);
    return sinceMs < p.cursor.untilMs ? { sinceMs, untilMs: p.cursor.untilMs } : null;
  }
  return p.windowEndMs < p.cursor.untilMs ? { sinceMs: p.windowEndMs, untilMs: p.cursor.untilMs } : null;
}

/** The next window after one that ended at `windowEndMs` (endpoints paged by fixed windows). */
export function nextWindow(cursor: PageCursor, windowEndMs: number): PageCursor | null {
  return windowEndMs < cursor.untilMs ? { sinceMs: windowEndMs, untilMs: cursor.untilMs } : null;
}

/**
 * The next request of an oldest-first endpoint: right after the newest row of a full page, else done.
 * `stepMs` is the spacing of rows (1 where events come at any millisecond).
 */
export function afterNewestRow(
  cursor: PageCursor,
  page: { readonly rows: number; readonly limit: number; readonly newestTs: number | undefined },
  stepMs: number,
): PageCursor | null {
  return nextCursor({
    cursor,
    rawCount: page.rows,
    limit: page.limit,
    lastTs: page.newestTs,
    stepMs,
    windowEndMs: cursor.untilMs,
    fullPageMayContinue: true,
  });
}

/**
 * One page of an endpoint asked by time window: the window of `limit` steps from the cursor (never
 * past `untilMs`) is fetched with `fetchRows(windowEndMs)`, and the next page is the next window
 * whatever came back (an empty window is a stretch with no rows, not the end).
 */
export async function fetchWindow(
  cursor: PageCursor,
  window: { readonly limit: number; readonly stepMs: number },
  fetchRows: (windowEndMs: number) => Promise<readonly SeriesRow[]>,
): Promise<FetchedPage> {
  const end = windowEnd(cursor, window.limit, window.stepMs);
  return { rows: await fetchRows(end), limit: window.limit, next: nextWindow(cursor, end) };
}
