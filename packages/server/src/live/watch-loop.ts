import type { Exchange, Market } from "ccxt";
import type { Logger } from "pino";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Calls `watch` until `signal` aborts, handing each batch to `onBatch`; a failed call (dropped
 * socket, exchange down) is logged and retried with backoff up to 30 s, as the collector does.
 */
export async function runWatchLoop<T>(p: {
  readonly what: Record<string, unknown>;
  readonly watch: () => Promise<T>;
  readonly onBatch: (batch: T) => void;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}): Promise<void> {
  const stopped = new Promise<never>((_, reject) =>
    p.signal.addEventListener("abort", () => reject(p.signal.reason), { once: true }),
  );
  stopped.catch(() => undefined);
  let failures = 0;
  while (!p.signal.aborted) {
    try {
      p.onBatch(await Promise.race([p.watch(), stopped]));
      failures = 0;
    } catch (error) {
      if (p.signal.aborted) break;
      const delay = Math.min(30_000, 250 * 2 ** failures++);
      p.logger.warn({ ...p.what, err: String(error), retryInMs: delay }, "live stream dropped; reconnecting");
      await sleep(delay, p.signal);
    }
  }
}

/**
 * The exchange's markets, asked again each second until they load (or `signal` aborts: then none),
 * and the USDT perpetuals of `bases` among them, which the live streams watch.
 */
export async function loadUsdtPerpetuals(
  exchange: Exchange,
  p: { readonly bases: readonly string[]; readonly logger: Logger; readonly signal: AbortSignal },
): Promise<{ markets: Record<string, Market>; symbols: string[] }> {
  let markets: Record<string, Market> = {};
  while (!p.signal.aborted) {
    try {
      markets = await exchange.loadMarkets();
      break;
    } catch (error) {
      p.logger.warn({ exchange: exchange.id, err: String(error) }, "loading markets failed; retrying");
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const symbols = p.bases.map((b) => `${b}/USDT:USDT`).filter((s) => markets[s] !== undefined);
  return { markets, symbols };
}
