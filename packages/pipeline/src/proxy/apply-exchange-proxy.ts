import { createProxyDispatcher } from "./create-proxy-dispatcher.js";
import { resolveProxy, type ResolvedProxy } from "./resolve-proxy.js";

/**
 * The ccxt proxy settings this helper sets. REST goes through ccxt's native fetch, where any of
 * httpProxy/httpsProxy/socksProxy (or their callbacks) becomes an undici ProxyAgent that tunnels
 * every target, http:// or https://, with CONNECT (socks5 natively). Websockets go through the
 * node-style agent ccxt picks by property: wsProxy -> http-proxy-agent (absolute-URI requests,
 * which most proxies refuse to upgrade), wssProxy -> https-proxy-agent (CONNECT, for ws:// and
 * wss:// alike), wsSocksProxy -> socks-proxy-agent.
 */
export interface ProxyConfigurable {
  readonly id: string;
  readonly urls: Record<string, unknown>;
  readonly hostname?: string;
  httpsProxyCallback?: unknown;
  socksProxyCallback?: unknown;
  wssProxy?: unknown;
  wsSocksProxy?: unknown;
  /** ccxt's per-proxy-URL cache of undici dispatchers for REST. */
  proxyDictionaries: Record<string, unknown>;
  getDispatcherOptions(isPlainAgent?: boolean): Record<string, unknown>;
}

export function exchangeProxyVariable(id: string): string {
  return `CEXDATA_PROXY_${id.toUpperCase()}`;
}

function urlStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(urlStrings);
  return [];
}

/**
 * Routes the exchange's REST and websocket traffic through `CEXDATA_PROXY_<ID>`, else through
 * HTTPS_PROXY/HTTP_PROXY for the hosts NO_PROXY and loopback leave to it. Call after the URL
 * override: which hosts a generic proxy serves is decided on the URLs the exchange ends up with.
 * Returns the proxy (its `shown` form is safe to log), or null when none applies. Throws
 * ProxyConfigError for a malformed value.
 */
export function applyExchangeProxy(
  exchange: ProxyConfigurable,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedProxy | null {
  const proxy = resolveProxy({ variable: exchangeProxyVariable(exchange.id), env });
  if (proxy === null) return null;
  const real = (url: string) =>
    exchange.hostname === undefined ? url : url.replace("{hostname}", exchange.hostname);
  // ccxt asks the callback for every request, so a generic proxy can skip NO_PROXY hosts one by one.
  const perRequest = (url: string) => (proxy.appliesTo(real(url)) ? proxy.url : undefined);
  if (proxy.kind === "socks") exchange.socksProxyCallback = perRequest;
  else exchange.httpsProxyCallback = perRequest;
  // ccxt would build the same ProxyAgent on first use; ours turns a refused tunnel (407) into a
  // ProxyRefusedError, where ccxt reports undici's AbortError as "request timed out" and retries.
  exchange.proxyDictionaries[proxy.url] = createProxyDispatcher(proxy, exchange.getDispatcherOptions(false));
  // A websocket agent is per instance: the proxy takes the streams unless every stream host is exempt.
  const api = exchange.urls["api"];
  const wsUrls = urlStrings([(api as Record<string, unknown> | undefined)?.["ws"], exchange.urls["ws"]]);
  if (wsUrls.length === 0 || wsUrls.some((url) => proxy.appliesTo(real(url)))) {
    if (proxy.kind === "socks") exchange.wsSocksProxy = proxy.url;
    else exchange.wssProxy = proxy.url;
  }
  return proxy;
}
