import type { SeriesSource } from "../series/index.js";
import type { ListingControls } from "./listing-controls.js";

export const SIMULATED_EXCHANGES = ["binance", "okx", "bybit", "coinbase"] as const;
export type SimulatedExchange = (typeof SIMULATED_EXCHANGES)[number];

/** One HTTP request as a route handler sees it. `route` is the path without its query. */
export interface SimRequest {
  readonly route: string;
  readonly query: URLSearchParams;
  /** Values of `{name}` segments of the matched route pattern. */
  readonly params: Readonly<Record<string, string>>;
  /** The simulated present (the market's clock). */
  readonly nowMs: number;
}

/** A reply: `body` is serialised as JSON unless `raw` is given. */
export interface SimReply {
  status: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type RouteHandler = (req: SimRequest) => SimReply;

/** What the rate limiter decides for one request: pass (with headers to add) or a rejection. */
export interface Admission {
  reject?: SimReply;
  headers?: Record<string, string>;
  /** Binance request weight charged. */
  weight?: number;
  /** Which weight budget it was charged to (Binance: spot, usdm, coinm). */
  weightKey?: string;
  /** A ban answer (418 / 403) rather than a plain 429. */
  banned?: boolean;
  /** The request came while this client was already banned (a well-behaved client sends none). */
  duringBan?: boolean;
}

/** One exchange's API: its routes, its limiter and its error bodies. One module per exchange. */
export interface ExchangeApi {
  /** Keyed by path; a `{name}` segment matches any one segment (e.g. /products/{id}/candles). */
  readonly routes: Readonly<Record<string, RouteHandler>>;
  admit(req: SimRequest, clockMs: number): Admission;
  /** The exchange's own answer to "too many requests", with Retry-After. */
  rateLimited(retryAfterSeconds: number, status: 429 | 418): SimReply;
  /**
   * Bans the client from now on, as the exchange does (`seconds` where the exchange says how long),
   * and returns the ban answer. An exchange that never bans answers its 429.
   */
  ban(clockMs: number, seconds: number): SimReply;
  notFound(req: SimRequest): SimReply;
}

export interface ExchangeContext {
  readonly series: SeriesSource;
  /** This exchange's listing answers: the lifecycle scenario's markets, truncation. */
  readonly listings: ListingControls;
}

/** Per-exchange request accounting, live. */
export interface ExchangeCounters {
  /** Requests per route (path without query), including rejected ones. */
  requests: Record<string, number>;
  total: number;
  /** 429 answers sent (limiter and injected faults). */
  rateLimited: number;
  /** 418 / ban answers sent. */
  banned: number;
  faultsInjected: number;
  /** Requests that arrived while the client was banned: a client that honours bans sends none. */
  requestsDuringBan: number;
  /** Binance request weight charged (all windows). */
  weightUsed: number;
  /** The same per weight budget (Binance counts spot and USDⓈ-M apart). */
  weightUsedBy: Record<string, number>;
}
