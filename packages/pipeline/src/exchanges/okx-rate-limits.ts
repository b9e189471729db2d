import type { RatePlan } from "./rate-budget.js";

/**
 * OKX limits each public endpoint on its own, per IP, in requests per 2 seconds (each endpoint's
 * "Rate Limit" line in the v5 docs); an endpoint not listed here is taken at 20, the most common.
 */
const OKX_ENDPOINT_LIMITS: Readonly<Record<string, number>> = {
  "market/candles": 40,
  "market/history-candles": 20,
  "market/books": 40,
  "market/history-mark-price-candles": 10,
  "market/history-index-candles": 10,
  "public/funding-rate-history": 10,
  "public/premium-history": 20,
  "public/liquidation-orders": 40,
  "public/instruments": 20,
  "rubik/stat/contracts/open-interest-history": 10,
  "rubik/stat/contracts/long-short-account-ratio-contract-top-trader": 5,
  "rubik/stat/contracts/long-short-position-ratio-contract-top-trader": 5,
  "rubik/stat/contracts/long-short-account-ratio-contract": 5,
  "rubik/stat/taker-volume-contract": 5,
};

/** Each endpoint its own budget (ccxt paces them all as one bucket of about 9 requests a second). */
export const OKX_RATE_PLAN: RatePlan = {
  charges: ({ path }) => [
    { bucket: path, rule: { limit: OKX_ENDPOINT_LIMITS[path] ?? 20, windowMs: 2_000 }, cost: 1 },
  ],
};
