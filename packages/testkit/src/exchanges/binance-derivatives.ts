import { INTERVAL_MS, type PriceKind, type SeriesSource, type SimInterval } from "../series/index.js";
import { binanceError, futuresDataRoute } from "./binance-futures-data.js";
import { clampLimit, intParam, priceCandlesInWindow } from "./candle-window.js";
import type { RouteHandler, SimRequest } from "./types.js";

/**
 * Binance USDⓈ-M derivatives endpoints, registered by binance.ts: mark, index and premium-index
 * klines (/fapi/v1, the kline paging and weights: default 500, cap 1500, `startTime` anchors the
 * page) and the positioning statistics of /futures/data (default 30, cap 500, the last 30 days only:
 * an older `startTime` is refused with -1130, as openInterestHist does). Row shapes are the real
 * answers recorded on 2025-09-15 (pipeline/test/fixtures/derivatives/binance_rest): prices as strings,
 * volume fields "0", `timestamp` a number.
 */
const error = binanceError;

export interface BinanceDerivativeDeps {
  readonly series: SeriesSource;
  /** The simulated ccxt symbol of the request's `symbol` (or `pair`) parameter. */
  readonly resolve: (req: SimRequest) => string | undefined;
}

export function createBinanceDerivativeRoutes(deps: BinanceDerivativeDeps): Record<string, RouteHandler> {
  const { series, resolve } = deps;

  const priceKlines =
    (kind: PriceKind): RouteHandler =>
    (req) => {
      const symbol = resolve(req);
      if (symbol === undefined) return error(400, -1121, "Invalid symbol.");
      const interval = req.query.get("interval") as SimInterval | null;
      if (interval === null || !(interval in INTERVAL_MS)) return error(400, -1120, "Invalid interval.");
      const fromMs = intParam(req.query, "startTime");
      const candles = priceCandlesInWindow(series, kind, {
        exchange: "binance",
        symbol,
        interval,
        fromMs,
        toMs: intParam(req.query, "endTime"),
        limit: clampLimit(intParam(req.query, "limit"), 500, 1500),
        anchor: fromMs === undefined ? "end" : "start",
        nowMs: req.nowMs,
      });
      const ms = INTERVAL_MS[interval];
      // The real answers count one price per second (mark, index) or per 5 s (premium) in `count`.
      const count = kind === "premium" ? ms / 5000 : ms / 1000;
      const fixed = (x: number) => x.toFixed(8);
      return {
        status: 200,
        body: candles.map((c) => [
          c.ts,
          fixed(c.open),
          fixed(c.high),
          fixed(c.low),
          fixed(c.close),
          "0",
          c.ts + ms - 1,
          "0",
          count,
          "0",
          "0",
          "0",
        ]),
      };
    };

  /** Rows of one statistics endpoint: the window, the horizon and the page cap shared by all four. */
  const statistics = (
    row: (r: ReturnType<SeriesSource["longShortRatios"]>[number], id: string | null) => unknown,
  ): RouteHandler => futuresDataRoute(resolve, (range) => series.longShortRatios(range), row);

  const ratioRow =
    (pick: (r: ReturnType<SeriesSource["longShortRatios"]>[number]) => number) =>
    (r: ReturnType<SeriesSource["longShortRatios"]>[number], id: string | null) => {
      const ratio = pick(r);
      return {
        symbol: id,
        longAccount: (ratio / (1 + ratio)).toFixed(4),
        longShortRatio: ratio.toFixed(4),
        shortAccount: (1 / (1 + ratio)).toFixed(4),
        timestamp: r.ts,
      };
    };

  /**
   * premiumIndex of one symbol: the live mark and index prices and the funding rate predicted for
   * `nextFundingTime` (`lastFundingRate`, despite its name), as the real answer recorded on
   * 2025-09-15 states them (prices as strings, times as numbers). The all-symbols form is not served.
   */
  const premiumIndex: RouteHandler = (req) => {
    const symbol = resolve(req);
    if (symbol === undefined) return error(400, -1121, "Invalid symbol.");
    const p = series.fundingPrediction({ exchange: "binance", symbol, atMs: req.nowMs });
    if (p === undefined) return error(400, -1121, "Invalid symbol.");
    const fixed = (x: number) => x.toFixed(8);
    return {
      status: 200,
      body: {
        symbol: req.query.get("symbol"),
        markPrice: fixed(p.markPrice),
        indexPrice: fixed(p.indexPrice),
        estimatedSettlePrice: fixed((p.markPrice + p.indexPrice) / 2),
        lastFundingRate: fixed(p.fundingRate),
        interestRate: "0.00010000",
        nextFundingTime: p.fundingTime,
        time: req.nowMs,
      },
    };
  };

  return {
    "/fapi/v1/premiumIndex": premiumIndex,
    "/fapi/v1/markPriceKlines": priceKlines("mark"),
    "/fapi/v1/indexPriceKlines": priceKlines("index"),
    "/fapi/v1/premiumIndexKlines": priceKlines("premium"),
    "/futures/data/topLongShortAccountRatio": statistics(ratioRow((r) => r.topTraderAccountRatio)),
    "/futures/data/topLongShortPositionRatio": statistics(ratioRow((r) => r.topTraderPositionRatio)),
    "/futures/data/globalLongShortAccountRatio": statistics(ratioRow((r) => r.globalAccountRatio)),
    "/futures/data/takerlongshortRatio": statistics((r) => ({
      buySellRatio: r.takerBuySellRatio.toFixed(4),
      sellVol: r.takerSellVolume.toFixed(4),
      buyVol: r.takerBuyVolume.toFixed(4),
      timestamp: r.ts,
    })),
  };
}
