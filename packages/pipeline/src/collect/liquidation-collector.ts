import ccxt from "ccxt";
import type { Exchange, Liquidation, Market } from "ccxt";
import type { Logger } from "pino";
import {
  ExchangeGeoBlockedError,
  defaultGeoBlockRemedy,
  isGeoBlockedHandshake,
  refusedHandshakeStatus,
} from "../exchanges/geo-block.js";
import { connectExchange } from "../exchanges/connect-exchange.js";
import { RefusedHosts } from "../exchanges/refused-hosts.js";
import { captureWebsocketMessages } from "../raw/capture-raw.js";
import { RawLog } from "../raw/raw-log.js";
import { newRunId } from "../report/run-id.js";
import { liquidationRowFrom } from "./liquidation-rows.js";
import { StreamLiveness } from "./stream-liveness.js";
import { mergeWalIntoDataset } from "./merge-wal.js";
import { WriteAheadLog } from "./write-ahead-log.js";

export interface CollectLiquidationsParams {
  readonly datasetDir: string;
  /** ccxt ids with a public liquidation stream: binance, bybit, okx. */
  readonly exchanges: readonly string[];
  /** Base assets whose USDT perpetuals are collected (Bybit needs one topic per symbol). */
  readonly bases: readonly string[];
  /** Events worth less than this (quote units) are not kept. */
  readonly minValue?: number;
  /** Merge the log into the dataset this often (and on stop). */
  readonly mergeEveryMs?: number;
  /** A connection is proven alive in the log this often. */
  readonly aliveEveryMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Aborting stops the collector: streams close, the log is merged, the promise resolves. */
  readonly signal: AbortSignal;
  /** Called with each row once it is in the log (the server republishes them live). */
  readonly onRow?: (row: ReturnType<typeof liquidationRowFrom>) => void;
}

/**
 * ccxt opens proxied websockets with http(s)-proxy-agent / socks-proxy-agent, which it imports
 * lazily from its own install location (first REST call). Loaded here before any socket opens; a
 * layout where ccxt cannot see our copies gets them handed over instead.
 */
async function loadWebsocketProxyAgents(exchange: Exchange): Promise<void> {
  await exchange.loadProxyModules();
  exchange.httpProxyAgentModule ??= await import("http-proxy-agent");
  exchange.httpsProxyAgentModule ??= await import("https-proxy-agent");
  exchange.socksProxyAgentModule ??= await import("socks-proxy-agent");
}

type ProCtor = new (config: Record<string, unknown>) => Exchange;

/** A ccxt.pro instance pointed where the environment says (URL override, proxy). */
export async function createProExchange(id: string, env: NodeJS.ProcessEnv): Promise<Exchange> {
  const ctor = (ccxt.pro as unknown as Record<string, ProCtor | undefined>)[id];
  if (!ctor) throw new Error(`ccxt has no websocket support for exchange ${JSON.stringify(id)}`);
  const exchange = new ctor({ enableRateLimit: true, options: { defaultType: "swap" } });
  const { overridden, proxied } = connectExchange(exchange, { env, refusedHosts: new RefusedHosts() });
  // ccxt refuses plain ws:// (a simulator, a local proxy) until its http agent is loaded.
  if (overridden) await exchange.loadHttpProxyAgent();
  if (proxied) await loadWebsocketProxyAgents(exchange);
  return exchange;
}

/**
 * Everything ccxt has received lately: a watch call resolves with the message that woke it, and
 * messages arriving before the next call resolve nothing, so reading only what watch returns loses
 * events under load. Every liquidation handler appends to this cache (1000 deep); the collector
 * reads it after each wake-up and skips what it has already logged.
 */
function receivedLiquidations(exchange: Exchange, woke: Liquidation[]): readonly Liquidation[] {
  const cache = (exchange as unknown as { liquidations?: readonly Liquidation[] }).liquidations;
  return cache && cache.length > 0 ? cache : woke;
}

/** One watch call per stream: Binance's all-market stream, OKX's channel, Bybit's topic per symbol. */
function watchCalls(exchange: Exchange, symbols: string[]): (() => Promise<Liquidation[]>)[] {
  if (exchange.id === "bybit") return symbols.map((s) => () => exchange.watchLiquidations(s));
  if (exchange.id === "binance") return [() => exchange.watchLiquidationsForSymbols([])];
  return [() => exchange.watchLiquidationsForSymbols(symbols)];
}

async function loadMarketsPatiently(
  exchange: Exchange,
  p: Pick<CollectLiquidationsParams, "logger" | "signal">,
): Promise<Record<string, Market>> {
  for (let attempt = 0; !p.signal.aborted; attempt++) {
    try {
      return await exchange.loadMarkets();
    } catch (error) {
      if (error instanceof ExchangeGeoBlockedError) throw error;
      p.logger.warn({ exchange: exchange.id, err: String(error) }, "loading markets failed; retrying");
      await sleep(Math.min(30_000, 500 * 2 ** attempt), p.signal);
    }
  }
  return {};
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * `cexdata collect liquidations`: listens to each exchange's public liquidation stream, logs every
 * event to the write-ahead log before counting it, reconnects with backoff on every drop (recording
 * each window it was connected in, as coverage), and merges the log into the dataset periodically
 * and on stop. A crash loses only events not yet received; the next start merges what was logged.
 */
export async function collectLiquidations(p: CollectLiquidationsParams): Promise<{ events: number }> {
  const env = p.env ?? process.env;
  // What a dead predecessor logged is merged before anything new is written.
  await mergeWalIntoDataset({ datasetDir: p.datasetDir, includeActive: true, logger: p.logger });
  const wal = await WriteAheadLog.open(p.datasetDir);
  // Every message as received, for `cexdata replay`: the streams keep nothing once it has passed.
  const raw = await RawLog.open(p.datasetDir, `collect-${newRunId(Date.now())}`);
  const streams = new Map<string, StreamLiveness>();
  let events = 0;
  let merging = Promise.resolve();
  const mergeNow = (): Promise<void> =>
    (merging = merging
      .then(async () => {
        const seam = Date.now();
        for (const s of streams.values()) s.writeSeam(seam, "before");
        wal.seal();
        for (const s of streams.values()) s.writeSeam(seam, "after");
        await raw.seal();
        await mergeWalIntoDataset({ datasetDir: p.datasetDir, logger: p.logger });
      })
      .catch((error: unknown) =>
        p.logger.error({ err: error }, "merging the liquidation log failed; will retry"),
      ));
  const alive = setInterval(() => {
    for (const s of streams.values()) s.onTick();
  }, p.aliveEveryMs ?? 1000);
  const merger = setInterval(() => void mergeNow(), p.mergeEveryMs ?? 5 * 60_000);
  const stopped = new Promise<never>((_, reject) =>
    p.signal.addEventListener("abort", () => reject(p.signal.reason), { once: true }),
  );
  stopped.catch(() => undefined);

  const collectOne = async (id: string): Promise<void> => {
    const exchange = await createProExchange(id, env);
    const liveness = new StreamLiveness(id, exchange, wal);
    streams.set(id, liveness);
    let markets: Record<string, Market>;
    try {
      markets = await loadMarketsPatiently(exchange, p);
    } catch (error) {
      if (!(error instanceof ExchangeGeoBlockedError)) throw error;
      // Asking again gets the same answer: this exchange is not collected by this process.
      p.logger.error({ exchange: id, host: error.host }, `blocked: ${error.message}`);
      liveness.markDown("blocked");
      await exchange.close().catch(() => undefined);
      return;
    }
    const symbols = p.bases.map((b) => `${b}/USDT:USDT`).filter((s) => markets[s] !== undefined);
    const wanted = new Set(symbols);
    captureWebsocketMessages(exchange, {
      log: raw,
      table: "liquidations",
      params: { symbols: symbols.join(","), minValue: String(p.minValue ?? 0) },
      clockMs: Date.now,
    });
    // ccxt appends each received event to its cache once, as its own object: identity marks what is
    // already logged, and forgets it when ccxt drops the object from its cache.
    const logged = new WeakSet<Liquidation>();
    const loops = watchCalls(exchange, symbols).map(async (watch) => {
      let failures = 0;
      let refusals = 0;
      while (!p.signal.aborted) {
        try {
          const batch = receivedLiquidations(exchange, await Promise.race([watch(), stopped]));
          const fresh = batch
            .filter((liq) => !logged.has(liq) && typeof liq.symbol === "string" && wanted.has(liq.symbol))
            .map((liq) => {
              logged.add(liq);
              return liquidationRowFrom(id, liq, markets[liq.symbol as string]);
            });
          liveness.onDelivery(Math.min(...fresh.map((r) => Number(r.ts) || Infinity)));
          failures = 0;
          for (const row of fresh) {
            // Only a well-formed small event is dropped here; a malformed one goes on to quarantine.
            if (typeof row.value === "number" && row.value >= 0 && row.value < (p.minValue ?? 0)) continue;
            wal.append({ t: "row", row: row as never });
            events++;
            p.onRow?.(row);
          }
        } catch (error) {
          if (p.signal.aborted) break;
          const refused = refusedHandshakeStatus(error);
          refusals = refused === undefined ? 0 : refusals + 1;
          if (isGeoBlockedHandshake(refused, refusals)) {
            const remedy = defaultGeoBlockRemedy(id)("");
            p.logger.error(
              { exchange: id, status: refused },
              `blocked: the ${id} websocket refuses this location (HTTP ${refused}); ${remedy}`,
            );
            liveness.markDown("blocked");
            break;
          }
          liveness.markDown(String(error));
          const delay = Math.min(30_000, 250 * 2 ** failures++);
          p.logger.warn(
            { exchange: id, err: String(error), retryInMs: delay },
            "liquidation stream dropped; reconnecting",
          );
          await sleep(delay, p.signal);
        }
      }
    });
    await Promise.all(loops);
    liveness.markDown("stopped");
    await exchange.close().catch(() => undefined);
  };

  await Promise.all(p.exchanges.map(collectOne));
  clearInterval(alive);
  clearInterval(merger);
  await mergeNow();
  wal.close();
  await raw.seal();
  await mergeWalIntoDataset({ datasetDir: p.datasetDir, includeActive: true, logger: p.logger });
  return { events };
}
