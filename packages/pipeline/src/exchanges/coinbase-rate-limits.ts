import type { RatePlan } from "./rate-budget.js";

/** Coinbase Advanced Trade's public endpoints: 10 requests a second per IP, every endpoint together. */
const PUBLIC_LIMIT = { limit: 10, windowMs: 1_000 };

export const COINBASE_RATE_PLAN: RatePlan = {
  charges: () => [{ bucket: "public", rule: PUBLIC_LIMIT, cost: 1 }],
};
