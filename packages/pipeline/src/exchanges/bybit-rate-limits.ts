import type { RatePlan } from "./rate-budget.js";

/**
 * Bybit's IP limit: 600 requests per 5 seconds over every endpoint (its v5 "Rate Limit Rules"; past
 * it the IP is banned for at least 10 minutes). ccxt charges a kline 5 of its 20 ms units, a tenth of that.
 */
const IP_LIMIT = { limit: 600, windowMs: 5_000 };

export const BYBIT_RATE_PLAN: RatePlan = {
  charges: () => [{ bucket: "ip", rule: IP_LIMIT, cost: 1 }],
};
