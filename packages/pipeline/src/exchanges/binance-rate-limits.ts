import type { RateCharge, RatePlan } from "./rate-budget.js";

const MINUTE = 60_000;
/**
 * Binance's published IP limits (its "LIMITS" sections): spot REQUEST_WEIGHT 6,000 a minute;
 * USDⓈ-M 2,400 a minute, counted apart from spot; the /futures/data statistics weigh 0 but are
 * limited to 1,000 requests per 5 minutes; fundingRate and fundingInfo share 500 per 5 minutes on
 * top of their weight.
 */
const SPOT = { limit: 6_000, windowMs: MINUTE };
const USDM = { limit: 2_400, windowMs: MINUTE };
const USDM_DATA = { limit: 1_000, windowMs: 5 * MINUTE };
const USDM_FUNDING = { limit: 500, windowMs: 5 * MINUTE };
/** COIN-M and the rest at ccxt's own pace (1,200 of its cost units a minute). */
const OTHER = { limit: 1_200, windowMs: MINUTE };

/**
 * A request's weight is ccxt's endpoint cost scaled back (ccxt's table has Binance's weights, by
 * `limit` where the weight depends on it): ccxt charges spot 0.2 a weight unit, USDⓈ-M 1.
 */
export const BINANCE_RATE_PLAN: RatePlan = {
  charges({ api, path, ccxtCost }): RateCharge[] {
    if (api === "public") return [{ bucket: "spot", rule: SPOT, cost: ccxtCost / 0.2 }];
    if (api === "fapiData") return [{ bucket: "usdmData", rule: USDM_DATA, cost: 1 }];
    if (typeof api === "string" && api.startsWith("fapiPublic")) {
      const weight: RateCharge = { bucket: "usdm", rule: USDM, cost: ccxtCost };
      return path === "fundingRate" || path === "fundingInfo"
        ? [weight, { bucket: "usdmFunding", rule: USDM_FUNDING, cost: 1 }]
        : [weight];
    }
    return [{ bucket: "other", rule: OTHER, cost: ccxtCost }];
  },
};
