import { INTERVAL_MS, type SimInterval } from "../series/index.js";
import { clampLimit, intParam, type CandleWindowParams } from "./candle-window.js";
import type { SimReply, SimRequest } from "./types.js";

/**
 * What every Bybit v5 route shares: the envelope (retCode 0, or an error code with HTTP 200), the
 * kline `interval` codes, the statistics' `period`/`intervalTime` codes, and how a kline request
 * selects its candles (`start` from the candle containing it, cap 1000, default 200, newest first),
 * which /v5/market/kline and the mark/index/premium-index klines read alike.
 */
export const ok = (result: unknown, nowMs: number): SimReply => ({
  status: 200,
  body: { retCode: 0, retMsg: "OK", result, retExtInfo: {}, time: nowMs },
});
export const fail = (retCode: number, retMsg: string, nowMs: number): SimReply => ({
  status: 200,
  body: { retCode, retMsg, result: {}, retExtInfo: {}, time: nowMs },
});

const INTERVALS: Readonly<Record<string, SimInterval>> = { "1": "1m", "60": "1h", D: "1d" };

/** open-interest `intervalTime` and account-ratio `period`. */
export const BYBIT_PERIODS: Readonly<Record<string, number>> = {
  "5min": 300_000,
  "15min": 900_000,
  "30min": 1_800_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

/** The candles a kline request asks for, as `candlesInWindow` takes them, or Bybit's error answer. */
export function bybitKlineWindow(req: SimRequest, symbol: string): CandleWindowParams | SimReply {
  const interval = INTERVALS[req.query.get("interval") ?? ""];
  if (interval === undefined) return fail(10001, "params error: interval invalid", req.nowMs);
  const ms = INTERVAL_MS[interval];
  const start = intParam(req.query, "start");
  return {
    exchange: "bybit",
    symbol,
    interval,
    fromMs: start === undefined ? undefined : Math.floor(start / ms) * ms,
    toMs: intParam(req.query, "end"),
    limit: clampLimit(intParam(req.query, "limit"), 200, 1000),
    anchor: start === undefined || req.query.has("end") ? "end" : "start",
    nowMs: req.nowMs,
  };
}
