import type { Server } from "node:http";
import { createSeriesSource, type RecordedSeries } from "../series/index.js";
import { createBinanceApi } from "./binance.js";
import { createBybitApi } from "./bybit.js";
import { createCoinbaseApi } from "./coinbase.js";
import type { FaultPlan, FaultSpec } from "./faults.js";
import { createLatency, type LatencySpec } from "./latency.js";
import { generatedBases } from "./generated-bases.js";
import { defaultListingControls, type ListingControls } from "./listing-controls.js";
import { createOkxApi } from "./okx.js";
import { startSimServer, type SimServer } from "./sim-server.js";
import {
  SIMULATED_EXCHANGES,
  type ExchangeApi,
  type ExchangeContext,
  type ExchangeCounters,
  type SimReply,
  type SimulatedExchange,
} from "./types.js";

export interface ExchangeSimulatorOptions {
  /** Seed of every generated series (default 1). */
  seed?: number;
  /** The market's present: candles after it do not exist, the one containing it is forming. */
  nowMs?: () => number;
  /** Clock of the rate limiters (default Date.now); separate so a fixed market time still rolls windows. */
  clockMs?: () => number;
  faults?: FaultPlan;
  /** Series served verbatim instead of generated. */
  recorded?: readonly RecordedSeries[];
  /** Network latency added to every answer: ms, or a range drawn per request (e.g. 50-150 ms). */
  latency?: LatencySpec;
  /** Serve the listing lifecycle scenario's markets (LISTING_LIFECYCLE): listed, delisted, new. */
  listingScenario?: boolean;
  /**
   * List this many bases on every exchange (spot, and USDT perpetuals where it has them): BTC, ETH
   * and SOL, then generated ones (SIM01, ...). Without it only the fixed markets are listed.
   */
  bases?: number;
}

export interface ExchangeSimulator {
  /** Base URL per exchange, e.g. http://127.0.0.1:PORT, for CEXDATA_EXCHANGE_URL_<ID>. */
  readonly urls: Readonly<Record<SimulatedExchange, string>>;
  /** Each exchange's HTTP server, for websocket feeds on the same host and port (src/ws). */
  readonly httpServers: Readonly<Record<SimulatedExchange, Server>>;
  /** Live request accounting per exchange. */
  readonly counters: Readonly<Record<SimulatedExchange, ExchangeCounters>>;
  readonly faults: {
    set(exchange: SimulatedExchange, route: string, spec: FaultSpec): void;
    clear(exchange?: SimulatedExchange, route?: string): void;
  };
  /**
   * Each exchange's listing controls, live: `listings.binance.share = 0.1` makes its listing
   * endpoints answer a tenth of the markets, as a truncated listing response does.
   */
  readonly listings: Readonly<Record<SimulatedExchange, ListingControls>>;
  /** Serve a recorded raw response for a route (until called again with undefined). */
  replay(exchange: SimulatedExchange, route: string, httpResponse: unknown): void;
  /** The env a pipeline process needs to talk to this simulator. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

const API_FACTORIES: Readonly<Record<SimulatedExchange, (ctx: ExchangeContext) => ExchangeApi>> = {
  binance: createBinanceApi,
  okx: createOkxApi,
  bybit: createBybitApi,
  coinbase: createCoinbaseApi,
};

/** Starts one HTTP server per exchange on 127.0.0.1 (ephemeral ports): test doubles of their REST APIs. */
export async function startExchangeSimulator(
  opts: ExchangeSimulatorOptions = {},
): Promise<ExchangeSimulator> {
  const seed = opts.seed ?? 1;
  const series = createSeriesSource({ seed, recorded: opts.recorded ?? [] });
  const nowMs = opts.nowMs ?? Date.now;
  const clockMs = opts.clockMs ?? Date.now;
  const listings = Object.fromEntries(
    SIMULATED_EXCHANGES.map((name) => [
      name,
      defaultListingControls(opts.listingScenario === true, generatedBases(opts.bases)),
    ]),
  ) as Record<SimulatedExchange, ListingControls>;
  const entries = await Promise.all(
    SIMULATED_EXCHANGES.map(
      async (name) =>
        [
          name,
          await startSimServer({
            api: API_FACTORIES[name]({ series, listings: listings[name] }),
            seed,
            nowMs,
            clockMs,
            latencyMs: createLatency(opts.latency, seed, name),
          }),
        ] as const,
    ),
  );
  const servers = Object.fromEntries(entries) as Record<SimulatedExchange, SimServer>;
  for (const [exchange, routes] of Object.entries(opts.faults ?? {})) {
    for (const [route, spec] of Object.entries(routes ?? {}))
      servers[exchange as SimulatedExchange]?.faults.set(route, spec);
  }
  const pick = <T>(f: (s: SimServer) => T): Record<SimulatedExchange, T> =>
    Object.fromEntries(SIMULATED_EXCHANGES.map((name) => [name, f(servers[name])])) as Record<
      SimulatedExchange,
      T
    >;
  const urls = pick((s) => s.url);
  return {
    urls,
    httpServers: pick((s) => s.httpServer),
    counters: pick((s) => s.counters),
    listings,
    faults: {
      set: (exchange, route, spec) => servers[exchange].faults.set(route, spec),
      clear: (exchange, route) => {
        for (const name of exchange === undefined ? SIMULATED_EXCHANGES : [exchange])
          servers[name].faults.clear(route);
      },
    },
    replay: (exchange, route, httpResponse) => {
      const reply: SimReply | undefined =
        httpResponse === undefined ? undefined : { status: 200, body: httpResponse };
      servers[exchange].replay(route, reply);
    },
    env: () =>
      Object.fromEntries(
        SIMULATED_EXCHANGES.map((name) => [`CEXDATA_EXCHANGE_URL_${name.toUpperCase()}`, urls[name]]),
      ),
    stop: async () => {
      await Promise.all(SIMULATED_EXCHANGES.map((name) => servers[name].stop()));
    },
  };
}
