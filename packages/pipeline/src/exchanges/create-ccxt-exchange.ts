import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { instrumentExchange } from "./instrument-exchange.js";
import { rememberAnswerHeaders } from "./answer-headers.js";
import type { RequestStats } from "./request-stats.js";
import { connectExchange, type ExchangeRefusalQuirks } from "./connect-exchange.js";
import { RefusedHosts, refuseKnownHosts } from "./refused-hosts.js";

/** What every adapter factory receives: the world it may touch. */
export interface AdapterParams {
  /** Environment for `CEXDATA_EXCHANGE_URL_<ID>` and the proxy variables; process.env by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Request accounting shared by the run. */
  readonly stats?: RequestStats;
  /** Per-request timeout (ccxt `timeout`), 30 s by default. */
  readonly timeoutMs?: number;
  /** Hosts found geo-blocked or banning in this run, shared by its exchanges; a fresh set by default. */
  readonly refusedHosts?: RefusedHosts;
}

export class UnknownExchangeError extends Error {
  override readonly name = "UnknownExchangeError";
  constructor(
    readonly exchange: string,
    readonly didYouMean: readonly string[],
  ) {
    super(
      `unknown exchange id ${JSON.stringify(exchange)}` +
        (didYouMean.length ? `; did you mean ${didYouMean.map((s) => JSON.stringify(s)).join(", ")}?` : ""),
    );
  }
}

type ExchangeCtor = new (config: Record<string, unknown>) => Exchange;

/**
 * A ccxt instance as the pipeline uses it: rate limiter on, URLs overridden and a proxy set from
 * the environment (`CEXDATA_PROXY_<ID>`, else HTTPS_PROXY/HTTP_PROXY), every request counted,
 * geo-blocked hosts asked once, banned hosts not before their ban ends. `config` is merged into ccxt's own (options, extra API endpoints).
 */
export function createCcxtExchange(
  id: string,
  config: Record<string, unknown>,
  params: AdapterParams = {},
  quirks: ExchangeRefusalQuirks = {},
): Exchange {
  const ctor = (ccxt as unknown as Record<string, unknown>)[id];
  if (!ccxt.exchanges.includes(id) || typeof ctor !== "function") {
    throw new UnknownExchangeError(id, []);
  }
  const exchange = new (ctor as ExchangeCtor)({
    enableRateLimit: true,
    timeout: params.timeoutMs ?? 30_000,
    ...config,
  });
  const refusedHosts = params.refusedHosts ?? new RefusedHosts();
  const { realHostOf } = connectExchange(exchange, {
    env: params.env ?? process.env,
    refusedHosts,
    quirks,
  });
  if (params.stats) instrumentExchange(exchange, params.stats);
  rememberAnswerHeaders(exchange);
  refuseKnownHosts(exchange, refusedHosts, realHostOf);
  return exchange;
}
