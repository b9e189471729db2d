import {
  INTERVAL_MS,
  type PriceKind,
  type SeriesSource,
  type SimInterval,
  fundingIntervalHours,
} from "../series/index.js";
import { clampLimit, intParam, ohlcStrings, priceCandlesInWindow } from "./candle-window.js";
import { pageNewestFirst, rubikWindow } from "./okx-paging.js";
import { okxInstrument } from "./okx-markets.js";
import type { RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * OKX v5 derivatives endpoints, registered by okx.ts. All newest first, `after` = older than,
 * `before` = newer than (exclusive), cap 100:
 * - market/history-mark-price-candles (instId of the swap) and market/history-index-candles (the
 *   index id, `BTC-USDT`): `[ts, o, h, l, c, confirm]`, "0" for the bar still forming.
 * - public/premium-history: point samples, one a minute, 4 s past it (the documented example's
 *   ts is 1713925924000), "in the past 6 months".
 * - rubik/stat contract statistics (long-short-account-ratio-contract, its -top-trader account and
 *   position variants, taker-volume-contract): `begin`/`end` exclusive, "the latest 1,440 data
 *   entries" of a period, `[ts, ratio]` or `[ts, sellVol, buyVol]`.
 */
const BARS: Readonly<Record<string, SimInterval>> = { "1m": "1m", "1H": "1h", "1Dutc": "1d" };
const PREMIUM_HISTORY_MS = 182 * 86_400_000;
const PREMIUM_SAMPLE_OFFSET_MS = 4_000;

const ok = (data: unknown): SimReply => ({ status: 200, body: { code: "0", msg: "", data } });
const fail = (code: string, msg: string): SimReply => ({ status: 200, body: { code, msg, data: [] } });
const unknownInstrument = (): SimReply => fail("51001", "Instrument ID does not exist");

type Ratios = ReturnType<SeriesSource["longShortRatios"]>[number];

export function createOkxDerivativeRoutes(series: SeriesSource): Record<string, RouteHandler> {
  const swapOf = (req: SimRequest, index: boolean) =>
    okxInstrument(index ? `${req.query.get("instId") ?? ""}-SWAP` : (req.query.get("instId") ?? ""));

  const priceCandles =
    (kind: PriceKind): RouteHandler =>
    (req) => {
      const inst = swapOf(req, kind === "index");
      if (inst === undefined || !inst.swap) return unknownInstrument();
      const interval = BARS[req.query.get("bar") ?? "1m"];
      if (interval === undefined) return fail("51000", "Parameter bar error");
      const ms = INTERVAL_MS[interval];
      const after = intParam(req.query, "after");
      const before = intParam(req.query, "before");
      const rows = priceCandlesInWindow(series, kind, {
        exchange: "okx",
        symbol: inst.symbol,
        interval,
        fromMs: before === undefined ? undefined : before + 1,
        toMs: after === undefined ? undefined : after - 1,
        limit: clampLimit(intParam(req.query, "limit"), 100, 100),
        anchor: before !== undefined && after === undefined ? "start" : "end",
        nowMs: req.nowMs,
      });
      return ok(rows.reverse().map((c) => [...ohlcStrings(c), c.ts + ms > req.nowMs ? "0" : "1"]));
    };

  const premiumHistory: RouteHandler = (req) => {
    const inst = swapOf(req, false);
    if (inst === undefined || !inst.swap) return unknownInstrument();
    const limit = clampLimit(intParam(req.query, "limit"), 100, 100);
    const after = intParam(req.query, "after");
    const before = intParam(req.query, "before");
    const span = (limit + 1) * 60_000;
    const [startMs, endMs] =
      before !== undefined && after === undefined
        ? [before + 1, before + 1 + span]
        : [(after ?? req.nowMs + 1) - span, after ?? req.nowMs + 1];
    const samples = premiumSamples(
      series,
      inst.symbol,
      Math.max(startMs, req.nowMs - PREMIUM_HISTORY_MS),
      endMs,
      req.nowMs,
    );
    const rows = pageNewestFirst(samples, { after, before }, limit);
    return ok(
      rows.map((s) => ({ instId: req.query.get("instId"), premium: String(s.premium), ts: String(s.ts) })),
    );
  };

  /** A rubik statistic: rows `[ts, ...columns]`, each value a string. */
  const contractStat =
    (...columns: readonly Exclude<keyof Ratios, "ts">[]): RouteHandler =>
    (req) => {
      const inst = swapOf(req, false);
      if (inst === undefined || !inst.swap) return unknownInstrument();
      const window = rubikWindow(req.query, req.nowMs);
      if (window === undefined) return fail("51000", "Parameter period error");
      const { periodMs, startMs, endMs, bounds, limit } = window;
      const all = series.longShortRatios({ exchange: "okx", symbol: inst.symbol, startMs, endMs, periodMs });
      return ok(
        pageNewestFirst(all, bounds, limit).map((r) => [String(r.ts), ...columns.map((c) => String(r[c]))]),
      );
    };

  /**
   * public/funding-rate of one swap, as live answers carry it since 2025: `fundingRate` is the rate
   * predicted for the upcoming settlement at `fundingTime` (it moves until then), `nextFundingTime` the
   * one after, `nextFundingRate` empty under method `current_period`, `settFundingRate` the last
   * settled rate. Every number a string.
   */
  const fundingRate: RouteHandler = (req) => {
    const inst = swapOf(req, false);
    if (inst === undefined || !inst.swap) return unknownInstrument();
    const p = series.fundingPrediction({ exchange: "okx", symbol: inst.symbol, atMs: req.nowMs });
    if (p === undefined) return unknownInstrument();
    const period = fundingIntervalHours("okx", inst.symbol) * 3_600_000;
    const settled = series.fundingRates({
      exchange: "okx",
      symbol: inst.symbol,
      startMs: p.fundingTime - period,
      endMs: p.fundingTime - period + 1,
    })[0];
    return ok([
      {
        formulaType: "withRate",
        fundingRate: p.fundingRate.toFixed(16),
        fundingTime: String(p.fundingTime),
        impactValue: "20000.0000000000000000",
        instId: req.query.get("instId"),
        instType: "SWAP",
        interestRate: "0.0001000000000000",
        maxFundingRate: "0.00375",
        method: "current_period",
        minFundingRate: "-0.00375",
        nextFundingRate: "",
        nextFundingTime: String(p.fundingTime + period),
        premium: (p.markPrice / p.indexPrice - 1).toFixed(16),
        prevFundingTime: String(p.fundingTime - period),
        settFundingRate: (settled?.fundingRate ?? 0).toFixed(16),
        settState: "settled",
        ts: String(req.nowMs),
      },
    ]);
  };

  return {
    "/api/v5/public/funding-rate": fundingRate,
    "/api/v5/market/history-mark-price-candles": priceCandles("mark"),
    "/api/v5/market/history-index-candles": priceCandles("index"),
    "/api/v5/public/premium-history": premiumHistory,
    "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract": contractStat("globalAccountRatio"),
    "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract-top-trader":
      contractStat("topTraderAccountRatio"),
    "/api/v5/rubik/stat/contracts/long-short-position-ratio-contract-top-trader":
      contractStat("topTraderPositionRatio"),
    "/api/v5/rubik/stat/taker-volume-contract": contractStat("takerSellVolume", "takerBuyVolume"),
  };
}

/** OKX's premium samples of a swap in [startMs, endMs): one a minute, the 1m premium candle's close. */
export function premiumSamples(
  series: SeriesSource,
  symbol: string,
  startMs: number,
  endMs: number,
  nowMs: number,
): { ts: number; premium: number }[] {
  const minutes = series.priceCandles({
    exchange: "okx",
    symbol,
    interval: "1m",
    kind: "premium",
    startMs: Math.floor(startMs / 60_000) * 60_000,
    endMs,
    nowMs,
  });
  return minutes
    .map((c) => ({ ts: c.ts + PREMIUM_SAMPLE_OFFSET_MS, premium: c.close }))
    .filter((s) => s.ts >= startMs && s.ts < endMs && s.ts <= nowMs);
}
