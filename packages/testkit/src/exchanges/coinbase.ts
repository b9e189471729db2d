import { INTERVAL_MS, priceAt, modelSymbol, type SimInterval } from "../series/index.js";
import { candlesInWindow, intParam } from "./candle-window.js";
import {
  COINBASE_CRYPTO,
  COINBASE_FIAT,
  COINBASE_FUTURE_PRODUCTS,
  coinbaseSpotProducts,
  coinbaseExchangeRates,
  coinbaseListing,
  coinbaseSymbol,
} from "./coinbase-markets.js";
import { PUBLISHED_LIMITS } from "./published-limits.js";
import { RateWindow } from "./rate-window.js";
import { coinbaseProductBookRoute } from "./coinbase-book.js";
import { keepShare } from "./listing-controls.js";
import type { Admission, ExchangeApi, ExchangeContext, RouteHandler, SimReply, SimRequest } from "./types.js";

/**
 * Coinbase Advanced Trade v3 public market data. Candles take `start` / `end` in unix seconds and a
 * named granularity, come newest first with string fields, and a request spanning more than 350
 * candles is refused ("max 350" in the Advanced Trade reference; ccxt 4.5 stays at 300, see the
 * README). Public endpoints allow about 10 requests per second per IP.
 */
const GRANULARITIES: Readonly<Record<string, SimInterval>> = {
  ONE_MINUTE: "1m",
  ONE_HOUR: "1h",
  ONE_DAY: "1d",
};
const MAX_CANDLES = 350;
const PER_SECOND = PUBLISHED_LIMITS.coinbase.requests;

const invalid = (message: string): SimReply => ({
  status: 400,
  body: { error: "INVALID_ARGUMENT", error_details: message, message },
});

export function createCoinbaseApi(ctx: ExchangeContext): ExchangeApi {
  const { series } = ctx;
  const perSecond = new RateWindow(PUBLISHED_LIMITS.coinbase.windowMs);

  const candles: RouteHandler = (req) => {
    const symbol = coinbaseSymbol(req.params["id"] ?? "");
    if (symbol === undefined)
      return {
        status: 404,
        body: { error: "NOT_FOUND", error_details: "ProductID is invalid", message: "ProductID is invalid" },
      };
    const interval = GRANULARITIES[req.query.get("granularity") ?? ""];
    if (interval === undefined) return invalid("granularity is invalid");
    const start = intParam(req.query, "start");
    const end = intParam(req.query, "end");
    if (start === undefined || end === undefined) return invalid("start and end are required");
    const ms = INTERVAL_MS[interval];
    const span = Math.ceil(((end - start) * 1000) / ms);
    if (span > MAX_CANDLES)
      return invalid(`number of candles requested should be less than or equal to ${MAX_CANDLES}`);
    const rows = candlesInWindow(series, {
      exchange: "coinbase",
      symbol,
      interval,
      fromMs: start * 1000,
      toMs: end * 1000 - 1,
      limit: MAX_CANDLES,
      anchor: "start",
      nowMs: req.nowMs,
    });
    return {
      status: 200,
      body: {
        candles: rows.reverse().map((c) => ({
          start: String(c.ts / 1000),
          low: String(c.low),
          high: String(c.high),
          open: String(c.open),
          close: String(c.close),
          volume: String(c.volume),
        })),
      },
    };
  };

  const ticker: RouteHandler = (req) => {
    const id = req.params["id"] ?? "";
    const symbol = coinbaseSymbol(id);
    if (symbol === undefined)
      return {
        status: 404,
        body: { error: "NOT_FOUND", error_details: "ProductID is invalid", message: "ProductID is invalid" },
      };
    const model = modelSymbol(series.seed, "coinbase", symbol);
    const price = priceAt(model, Math.floor(req.nowMs / 60_000) * 60_000);
    const tick = 10 ** -model.priceDecimals;
    const limit = Math.max(1, Math.min(100, intParam(req.query, "limit") ?? 1));
    const trades = Array.from({ length: limit }, (_, i) => ({
      trade_id: String(900_000_000 + Math.floor(req.nowMs / 1000) - i),
      product_id: id,
      price: String(price),
      size: "0.001",
      time: new Date(req.nowMs - i * 1000).toISOString(),
      side: i % 2 === 0 ? "BUY" : "SELL",
      bid: "",
      ask: "",
      exchange: "coinbase",
    }));
    return {
      status: 200,
      body: { trades, best_bid: String(price), best_ask: (price + tick).toFixed(model.priceDecimals) },
    };
  };

  const products: RouteHandler = (req) => {
    if (req.query.get("product_type") !== "FUTURE")
      return {
        status: 200,
        body: coinbaseListing(keepShare(coinbaseSpotProducts(ctx.listings.generated), ctx.listings.share)),
      };
    const perpetualOnly = req.query.get("contract_expiry_type") === "PERPETUAL";
    const list = COINBASE_FUTURE_PRODUCTS.filter(
      (p) =>
        !perpetualOnly ||
        (p["future_product_details"] as Record<string, unknown> | undefined)?.["contract_expiry_type"] ===
          "PERPETUAL",
    );
    return { status: 200, body: coinbaseListing(keepShare(list, ctx.listings.share)) };
  };

  const exchangeRates: RouteHandler = (req) => {
    const minute = Math.floor(req.nowMs / 60_000) * 60_000;
    const prices = Object.fromEntries(
      ["BTC", "ETH", "SOL"].map((base) => [
        base,
        priceAt(modelSymbol(series.seed, "coinbase", `${base}/USD`), minute),
      ]),
    );
    return { status: 200, body: coinbaseExchangeRates({ ...prices, USDC: 1 }) };
  };

  const routes: Record<string, RouteHandler> = {
    "/v2/currencies": () => ({ status: 200, body: COINBASE_FIAT }),
    "/v2/currencies/crypto": () => ({ status: 200, body: COINBASE_CRYPTO }),
    "/v2/exchange-rates": exchangeRates,
    "/v2/time": (req) => ({
      status: 200,
      body: { data: { iso: new Date(req.nowMs).toISOString(), epoch: Math.floor(req.nowMs / 1000) } },
    }),
    "/api/v3/brokerage/time": (req) => ({
      status: 200,
      body: {
        iso: new Date(req.nowMs).toISOString(),
        epochSeconds: String(Math.floor(req.nowMs / 1000)),
        epochMillis: String(req.nowMs),
      },
    }),
    "/api/v3/brokerage/market/products": products,
    "/api/v3/brokerage/market/products/{id}/candles": candles,
    "/api/v3/brokerage/market/products/{id}/ticker": ticker,
    "/api/v3/brokerage/market/product_book": coinbaseProductBookRoute(series),
  };

  const rateLimited = (retryAfterSeconds: number, status: 429 | 418): SimReply => ({
    status,
    headers: { "Retry-After": String(retryAfterSeconds) },
    body: { error: "RESOURCE_EXHAUSTED", error_details: "Too many requests", message: "Too many requests" },
  });

  const admit = (_req: SimRequest, clockMs: number): Admission =>
    perSecond.add("ip", clockMs) > PER_SECOND ? { reject: rateLimited(1, 429) } : {};

  return {
    routes,
    admit,
    rateLimited,
    // Public market data is rate limited with 429s, never banned.
    ban: () => rateLimited(1, 429),
    notFound: () => ({
      status: 404,
      body: { error: "NOT_FOUND", error_details: "Not Found", message: "Not Found" },
    }),
  };
}
