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
