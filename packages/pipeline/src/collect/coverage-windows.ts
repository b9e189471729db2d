import type { SpecCoverage } from "@cexdata/schema";
import type { WalRecord } from "./write-ahead-log.js";

/**
 * Events still in flight when a connection drops (or the process dies) are never read. A window
 * therefore ends this long before the last moment the stream was proven to deliver, so that it
 * never claims a stretch in which an event could have been lost.
 */
export const IN_FLIGHT_MARGIN_MS = 250;

/** The reason a collector gives when it seals its log mid-window: a seam, not a disconnect. */
export const SEAM_REASON = "sealed";

/**
 * The windows in which each exchange's stream was connected, from the log's connection records.
 * A window opens at `up` and closes at `down`; one left open (the process was killed) closes at the
 * last moment the log proves it alive: its last `alive` or row. Every close but a seam gives up
 * IN_FLIGHT_MARGIN_MS. So "no liquidations" inside a window means none happened, and outside one
 * means nobody listened.
 */
export function computeCoverage(records: readonly WalRecord[]): SpecCoverage[] {
  const open = new Map<string, { start: number; last: number }>();
  const windows: { exchange: string; start: number; end: number }[] = [];
  const close = (exchange: string, provenUntil: number, seam = false): void => {
    const w = open.get(exchange);
    if (!w) return;
    const end = seam ? provenUntil : provenUntil - IN_FLIGHT_MARGIN_MS;
    if (end > w.start) windows.push({ exchange, start: w.start, end });
    open.delete(exchange);
  };
  for (const r of records) {
    if (r.t === "row") {
      const w = open.get(r.row.exchange);
      if (w) w.last = Math.max(w.last, r.row.ts);
      continue;
    }
    if (r.t === "up") {
      close(r.exchange, open.get(r.exchange)?.last ?? r.ts);
      open.set(r.exchange, { start: r.ts, last: r.ts });
    } else if (r.t === "alive") {
      const w = open.get(r.exchange);
      if (w) w.last = Math.max(w.last, r.ts);
    } else {
      close(r.exchange, r.ts, "reason" in r && r.reason === SEAM_REASON);
    }
  }
  for (const [exchange, w] of open) close(exchange, w.last);
  return windows
    .sort((a, b) => a.exchange.localeCompare(b.exchange) || a.start - b.start)
    .map((w) => ({
      exchange: w.exchange,
      start: new Date(w.start).toISOString(),
      end: new Date(w.end).toISOString(),
    }));
}
