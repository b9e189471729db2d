import type { Exchange } from "ccxt";

/** One published limit: at most `limit` units (requests, or Binance's request weight) per `windowMs`. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowMs: number;
}

/** What one request costs against one limit. */
export interface RateCharge {
  /** The limit's name: requests naming the same one share its budget. */
  readonly bucket: string;
  readonly rule: RateLimitRule;
  readonly cost: number;
}

/** A request as ccxt's `fetch2` receives it: its api family, endpoint path and parameters. */
export interface RateRequest {
  readonly api: unknown;
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** ccxt's own cost of the request (its endpoint table), for plans that scale it to weight. */
  readonly ccxtCost: number;
}

/**
 * An exchange's published rate limits, as its adapter knows them: which limits a request counts
 * against, and what it costs against each (none for a request no limit covers).
 */
export interface RatePlan {
  charges(request: RateRequest): readonly RateCharge[];
}

/**
 * Latency varies, so requests sent evenly can arrive bunched: the exchange counts them when they
 * arrive. Each limit's window is taken this much longer than published, which covers an arrival
 * spread up to it (50-150 ms to a CI runner's exchanges) without a 429.
 */
export const ARRIVAL_SPREAD_MS = 100;

/**
 * One limit, kept as a sliding window of what was sent: a request waits (first come, first
 * served) until sending it keeps the units sent in any window at or under the limit, so every
 * window the exchange counts, aligned or rolling, stays within it too.
 */
export class WindowBudget {
  private readonly sent: { at: number; cost: number }[] = [];
  private used = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly rule: RateLimitRule,
    private readonly clockMs: () => number = () => performance.now(),
  ) {}

  /** Resolves when `cost` units may be sent, and counts them as sent then. */
  take(cost: number): Promise<void> {
    const turn = this.tail.then(() => this.admit(cost));
    this.tail = turn;
    return turn;
  }

  private async admit(cost: number): Promise<void> {
    const windowMs = this.rule.windowMs + ARRIVAL_SPREAD_MS;
    for (;;) {
      const now = this.clockMs();
      while (this.sent.length && this.sent[0]!.at <= now - windowMs) this.used -= this.sent.shift()!.cost;
      // A request costlier than the whole limit still goes, alone in its window.
      if (this.used + cost <= this.rule.limit || this.sent.length === 0) {
        this.sent.push({ at: now, cost });
        this.used += cost;
        return;
      }
      // The oldest sends that must leave the window before this one fits.
      let excess = this.used + cost - this.rule.limit;
      let until = now;
      for (const s of this.sent) {
        until = s.at + windowMs;
        excess -= s.cost;
        if (excess <= 0) break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, until - now)));
    }
  }
}

/**
 * Paces an instance's REST requests by the exchange's published limits instead of ccxt's one
 * conservative bucket (ccxt's `rateLimit` spreads every endpoint over one rate: Binance's USDⓈ-M at
 * half its 2,400 weight a minute and shared with spot, OKX's per-endpoint limits as one 9-a-second
 * bucket). Every request ccxt sends passes `fetch2` once per attempt, so retries are paced too;
 * series sharing the instance share its budgets.
 */
export function applyRatePlan(exchange: Exchange, plan: RatePlan, clockMs?: () => number): void {
  const budgets = new Map<string, WindowBudget>();
  const budgetOf = (c: RateCharge): WindowBudget => {
    let budget = budgets.get(c.bucket);
    if (budget === undefined) budgets.set(c.bucket, (budget = new WindowBudget(c.rule, clockMs)));
    return budget;
  };
  const target = exchange as unknown as {
    enableRateLimit: boolean;
    fetch2: (...args: unknown[]) => Promise<unknown>;
    calculateRateLimiterCost: (...args: unknown[]) => number;
  };
  // Our budgets replace ccxt's throttle for REST (its own would still pace every request).
  target.enableRateLimit = false;
  const fetch2 = target.fetch2.bind(exchange);
  target.fetch2 = async (...args: unknown[]) => {
    const [path, api = "public", method = "GET", params = {}, , , config = {}] = args;
    const request: RateRequest = {
      api,
      method: String(method),
      path: String(path),
      params: params as Record<string, unknown>,
      ccxtCost: Number(target.calculateRateLimiterCost.call(exchange, api, method, path, params, config)),
    };
    await Promise.all(plan.charges(request).map((c) => budgetOf(c).take(c.cost)));
    return fetch2(...args);
  };
}
