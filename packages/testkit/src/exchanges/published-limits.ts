/**
 * The public-endpoint rate limits the simulators enforce, as the exchanges publish them (per IP),
 * in one place so a benchmark can compute the time they require for the requests it made.
 * - Binance: REQUEST_WEIGHT 6,000 a minute on spot, 2,400 on USDⓈ-M, each counted on its own.
 * - OKX: per endpoint, requests per 2 s (each endpoint's "Rate Limit" line; 20 where not listed).
 * - Bybit: 600 requests per 5 s over every endpoint.
 * - Coinbase Advanced Trade public endpoints: 10 requests a second.
 */
export const PUBLISHED_LIMITS = {
  binance: { spotWeight: 6_000, usdmWeight: 2_400, windowMs: 60_000 },
  okx: {
    windowMs: 2_000,
    defaultRequests: 20,
    routes: {
      "/api/v5/market/candles": 40,
      "/api/v5/market/history-candles": 20,
      "/api/v5/market/books": 40,
      "/api/v5/market/history-mark-price-candles": 10,
      "/api/v5/market/history-index-candles": 10,
      "/api/v5/public/funding-rate-history": 10,
      "/api/v5/public/liquidation-orders": 40,
      "/api/v5/rubik/stat/contracts/open-interest-volume": 5,
      "/api/v5/rubik/stat/contracts/open-interest-history": 10,
      "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract-top-trader": 5,
      "/api/v5/rubik/stat/contracts/long-short-position-ratio-contract-top-trader": 5,
      "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract": 5,
      "/api/v5/rubik/stat/taker-volume-contract": 5,
    } as Readonly<Record<string, number>>,
  },
  bybit: { requests: 600, windowMs: 5_000 },
  coinbase: { requests: 10, windowMs: 1_000 },
} as const;

/** OKX's limit of a route, in requests per 2 s. */
export const okxRouteLimit = (route: string): number =>
  PUBLISHED_LIMITS.okx.routes[route] ?? PUBLISHED_LIMITS.okx.defaultRequests;
