import { clampLimit, intParam } from "./candle-window.js";
import type { RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * Binance's `/futures/data` statistics (openInterestHist and the long/short ratios) share one way to
 * read a request: a `period` from this list, `limit` 30 by default and at most 500, and only "the
 * data of the latest 1 month": an older `startTime` is refused with -1130, not clamped.
 */
const HISTORY_MS = 30 * 86_400_000;
const PERIODS: Readonly<Record<string, number>> = {
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
};

export const binanceError = (status: number, code: number, msg: string): SimReply => ({
  status,
  body: { code, msg },
});

export interface FuturesDataWindow {
  readonly periodMs: number;
  /** Periods in [startMs, endMs) exist to be served. */
  readonly startMs: number;
  readonly endMs: number;
  /** Picks the page of `all`: the oldest `limit` when `startTime` was sent, else the newest. */
  readonly page: <T>(all: readonly T[]) => T[];
}

/** The window a `/futures/data` request asks for, or Binance's error answer. */
export function futuresDataWindow(req: SimRequest): FuturesDataWindow | SimReply {
  const periodMs = PERIODS[req.query.get("period") ?? ""];
  if (periodMs === undefined)
    return binanceError(
      400,
      -1102,
      "Mandatory parameter 'period' was not sent, was empty/null, or malformed.",
    );
  const limit = clampLimit(intParam(req.query, "limit"), 30, 500);
  const oldest = req.nowMs - HISTORY_MS;
  const startTime = intParam(req.query, "startTime");
  if (startTime !== undefined && startTime < oldest)
    return binanceError(400, -1130, "parameter 'startTime' is invalid.");
  const toMs = Math.min(intParam(req.query, "endTime") ?? req.nowMs, req.nowMs - periodMs);
  return {
    periodMs,
    startMs: Math.max(startTime ?? 0, oldest),
    endMs: toMs + 1,
    page: (all) => (startTime !== undefined ? all.slice(0, limit) : all.slice(-limit)),
  };
}

/**
 * A `/futures/data` route: the request's symbol and window, the page of what `read` gives for them,
 * each row as `format` writes it (`id` the symbol as the request named it).
 */
export function futuresDataRoute<T>(
  resolve: (req: SimRequest) => string | undefined,
  read: (range: {
    exchange: "binance";
    symbol: string;
    startMs: number;
    endMs: number;
    periodMs: number;
  }) => readonly T[],
  format: (row: T, id: string | null) => unknown,
): RouteHandler {
  return (req) => {
    const symbol = resolve(req);
    if (symbol === undefined) return binanceError(400, -1121, "Invalid symbol.");
    const window = futuresDataWindow(req);
    if ("status" in window) return window;
    const { startMs, endMs, periodMs } = window;
    const rows = window.page(read({ exchange: "binance", symbol, startMs, endMs, periodMs }));
    return { status: 200, body: rows.map((r) => format(r, req.query.get("symbol"))) };
  };
}
