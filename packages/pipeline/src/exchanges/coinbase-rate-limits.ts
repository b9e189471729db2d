import type { RatePlan } from "./rate-budget.js";

/**
 * Coinbase Advanced Trade's public endpoints: 10 requests a second per IP, every endpoint together,
 * counted in whole seconds as requests arrive. Paced at 9: a window this short is the one arrival
 * jitter fills first (a request held up on the way lands in the next second with the ones sent in
 * it; a 50-base run met a few 429s at 10), and Coinbase's requests are a third of what OKX's
 * limits take, so the headroom costs the run nothing.
 */
const PUBLIC_LIMIT = { limit: 9, windowMs: 1_000 };

export const COINBASE_RATE_PLAN: RatePlan = {
  charges: () => [{ bucket: "public", rule: PUBLIC_LIMIT, cost: 1 }],
};
