import type { Exchange } from "ccxt";

/**
 * A host that refuses this machine's location: Binance's HTTP 451 ("Service unavailable from a
 * restricted location"), CloudFront's 403 country block in front of Bybit, or the same answer to a
 * websocket handshake. Asking again gets the same answer, so it is never retried: the series that
 * need the host are reported as blocked, with the remedy, and the rest of the run goes on.
 */
export class ExchangeGeoBlockedError extends Error {
  override readonly name = "ExchangeGeoBlockedError";
  constructor(
    readonly exchange: string,
    readonly host: string,
    readonly status: number,
    readonly remedy: string,
  ) {
    super(`${exchange}: ${host} refuses requests from this location (HTTP ${status}); ${remedy}`);
  }
}

/** What to do when a host of `exchange` is blocked; each adapter may say better for its own hosts. */
export type GeoBlockRemedy = (host: string) => string;

export function defaultGeoBlockRemedy(exchange: string): GeoBlockRemedy {
  const id = exchange.toUpperCase();
  return () =>
    `route it through a proxy outside the blocked region (CEXDATA_PROXY_${id}) ` +
    `or run this exchange's shard on a runner there (vars.CEXDATA_RUNNER_${id})`;
}

/** CloudFront's country block, in its HTML page and in the JSON body Bybit's edge sends. */
const CLOUDFRONT_COUNTRY_BLOCK = /configured to block access from your country/i;

/**
 * Whether an answer is a geo-block. 451 always is (Binance's legal block). A 403 only when CloudFront
 * says it blocks the country: Binance's own 403 is its WAF limit and Bybit's "access too frequent"
 * 403 is a rate limit, and both keep their meaning.
 */
export function isGeoBlockAnswer(status: number, body: string | undefined): boolean {
  if (status === 451) return true;
  return status === 403 && body !== undefined && CLOUDFRONT_COUNTRY_BLOCK.test(body);
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Maps a request URL to the real host it stands for (e.g. `fapi.binance.com`). */
export type RealHostOf = (url: string) => string;

/**
 * The real host of a request URL after `CEXDATA_EXCHANGE_URL_<ID>` rewrote ccxt's URLs: a simulator
 * or mirror at 127.0.0.1 still reports, and is remembered as, the host it stands for. `before` and
 * `after` are ccxt's `urls` before and after the rewrite; `hostname` fills ccxt's `{hostname}`.
 */
export function realHostResolver(before: unknown, after: unknown, hostname?: string): RealHostOf {
  const pairs: [prefix: string, host: string][] = [];
  const walk = (a: unknown, b: unknown) => {
    if (typeof a === "string" && typeof b === "string") {
      // ccxt writes some hosts as `https://api.{hostname}` (Bybit), filled from `exchange.hostname`.
      const real = hostname === undefined ? a : a.replace("{hostname}", hostname);
      if (/^[a-z]+:\/\//i.test(real) && /^[a-z]+:\/\//i.test(b)) pairs.push([b, hostOf(real)]);
    } else if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
      for (const [k, v] of Object.entries(a)) walk(v, (b as Record<string, unknown>)[k]);
    }
  };
  walk(before, after);
  pairs.sort((x, y) => y[0].length - x[0].length);
  return (url) => pairs.find(([prefix]) => url.startsWith(prefix))?.[1] ?? hostOf(url);
}

/**
 * The hosts found blocked in one run, shared by every exchange of the run: a blocked host is asked
 * once, then every later request to it fails at once without leaving the machine.
 */
export class BlockedHosts {
  private readonly blocked = new Map<string, ExchangeGeoBlockedError>();

  record(error: ExchangeGeoBlockedError): void {
    if (!this.blocked.has(error.host)) this.blocked.set(error.host, error);
  }

  /** The error a host was blocked with, if it was. */
  of(host: string): ExchangeGeoBlockedError | undefined {
    return this.blocked.get(host);
  }

  list(): ExchangeGeoBlockedError[] {
    return [...this.blocked.values()];
  }
}

type FetchFn = (url: string, ...rest: unknown[]) => Promise<unknown>;
type HandleErrorsFn = (
  code: number,
  reason: string,
  url: string,
  method: string,
  headers: unknown,
  body: unknown,
  ...rest: unknown[]
) => unknown;

/**
 * Turns a geo-block answer into ExchangeGeoBlockedError before ccxt maps it (to ExchangeNotAvailable,
 * a NetworkError that would be retried with backoff), and records the host in `hosts`.
 * Install before any other `handleErrors` wrapper that should still see the status.
 */
export function detectGeoBlocks(
  exchange: Exchange,
  hosts: BlockedHosts,
  remedy: GeoBlockRemedy,
  realHostOf: RealHostOf = hostOf,
): void {
  const target = exchange as unknown as { handleErrors: HandleErrorsFn };
  const handleErrors = target.handleErrors.bind(exchange);
  target.handleErrors = (code, reason, url, method, headers, body, ...rest) => {
    if (isGeoBlockAnswer(code, typeof body === "string" ? body : undefined)) {
      const host = realHostOf(url);
      const error = new ExchangeGeoBlockedError(exchange.id, host, code, remedy(host));
      hosts.record(error);
      throw error;
    }
    return handleErrors(code, reason, url, method, headers, body, ...rest);
  };
}

/**
 * Refuses, without sending it, every request to a host already found blocked in this run. Install
 * last (outermost), so a refused request is not counted as sent.
 */
export function refuseBlockedHosts(
  exchange: Exchange,
  hosts: BlockedHosts,
  realHostOf: RealHostOf = hostOf,
): void {
  const target = exchange as unknown as { fetch: FetchFn };
  const fetch = target.fetch.bind(exchange);
  target.fetch = async (url, ...rest) => {
    const known = hosts.of(realHostOf(url));
    if (known) throw known;
    return fetch(url, ...rest);
  };
}

/**
 * The HTTP status a websocket handshake was refused with, from ccxt's NetworkError ("Unexpected
 * server response: 451"; ccxt passes on the status, not the body).
 */
export function refusedHandshakeStatus(error: unknown): number | undefined {
  const match = /Unexpected server response: (\d{3})/.exec(error instanceof Error ? error.message : "");
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether refused handshakes mean a geo-block: a 451 at once; a 403 (CloudFront's country block, but
 * without the body to prove it) only when it answers twice in a row, so a one-off refusal is retried.
 */
export function isGeoBlockedHandshake(status: number | undefined, refusalsInARow: number): boolean {
  if (status === 451) return true;
  return status === 403 && refusalsInARow >= 2;
}
