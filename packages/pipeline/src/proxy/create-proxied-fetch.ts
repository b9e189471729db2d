import { fetch as undiciFetch } from "undici";
import { createProxyDispatcher, ProxyRefusedError } from "./create-proxy-dispatcher.js";
import { resolveProxy, type ResolvedProxy } from "./resolve-proxy.js";

export interface CreateProxiedFetchParams {
  /** The explicit variable, e.g. `CEXDATA_PROXY_ARCHIVE`. */
  readonly variable: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the requests go: a generic proxy is not used for a loopback or NO_PROXY target. */
  readonly targetUrl: string;
}

export interface ProxiedFetch {
  readonly fetch: typeof globalThis.fetch;
  readonly proxy: ResolvedProxy;
  /** Closes the proxy's pooled connections. */
  close(): Promise<void>;
}

/**
 * A fetch that goes through `variable`'s proxy (else HTTPS_PROXY/HTTP_PROXY), or null when no proxy
 * applies to `targetUrl`. The fetch and its ProxyAgent come from the same undici: Node 20's global
 * fetch bundles undici 6, and a dispatcher is only safe with the fetch of its own version. Throws
 * ProxyConfigError for a malformed value.
 */
export function createProxiedFetch(p: CreateProxiedFetchParams): ProxiedFetch | null {
  const proxy = resolveProxy({ variable: p.variable, env: p.env });
  if (proxy === null || !proxy.appliesTo(p.targetUrl)) return null;
  const dispatcher = createProxyDispatcher(proxy);
  const proxied = async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    try {
      return (await undiciFetch(input as never, { ...(init as object), dispatcher })) as unknown as Response;
    } catch (error) {
      // fetch hides the reason behind "fetch failed"; a refused proxy is worth saying as such.
      if (error instanceof Error && error.cause instanceof ProxyRefusedError) throw error.cause;
      throw error;
    }
  };
  return { fetch: proxied, proxy, close: () => dispatcher.close() };
}
