import { redactUrlCredentials } from "../log/redact-url-credentials.js";

/**
 * The value with its password hidden, even when it is too malformed to be a URL
 * (`user:pass@host:8080` without a scheme): what is left of an `@` is dropped.
 */
function showProxyValue(value: string): string {
  const shown = redactUrlCredentials(value.trim());
  if (!shown.includes("@") || /:\*\*\*@[^@]*$/.test(shown)) return shown;
  return `***@${shown.slice(shown.lastIndexOf("@") + 1)}`;
}

/** A proxy variable that is not a usable proxy URL. Names the variable; never shows the password. */
export class ProxyConfigError extends Error {
  /** The offending value with its password replaced by `***`. */
  readonly value: string;
  constructor(
    readonly variable: string,
    value: string,
    readonly reason: string,
  ) {
    const shown = showProxyValue(value);
    super(`${variable} must be a proxy URL such as http://[user:pass@]host:port (${reason}), got '${shown}'`);
    this.name = "ProxyConfigError";
    this.value = shown;
  }
}

export interface ResolvedProxy {
  /** The proxy URL as given (with credentials): hand it to ccxt or undici, never to a log line. */
  readonly url: string;
  /** `http://user:***@host:port`: what may be shown. */
  readonly shown: string;
  readonly kind: "http" | "socks";
  /** The variable it came from, e.g. `CEXDATA_PROXY_BINANCE` or `HTTPS_PROXY`. */
  readonly variable: string;
  /**
   * False for a host the proxy must not be used for: with a proxy from the generic
   * `HTTPS_PROXY`-style variables, loopback hosts (the testkit simulators, a local mirror) and
   * `NO_PROXY` hosts go direct; an explicit `CEXDATA_PROXY_*` proxy is used for every host.
   */
  appliesTo(url: string): boolean;
}

export interface ResolveProxyParams {
  /** The explicit variable, e.g. `CEXDATA_PROXY_BINANCE`, `CEXDATA_PROXY_ARCHIVE`. */
  readonly variable: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Generic variables consulted when the explicit one is unset, in this order (curl's convention). */
const FALLBACKS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] as const;

function parseProxy(variable: string, value: string): { url: string; kind: "http" | "socks" } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ProxyConfigError(variable, value, "not a URL");
  }
  const kind =
    url.protocol === "http:" || url.protocol === "https:"
      ? "http"
      : url.protocol === "socks5:"
        ? "socks"
        : null;
  if (kind === null) throw new ProxyConfigError(variable, value, "the scheme must be http, https or socks5");
  if (url.hostname === "") throw new ProxyConfigError(variable, value, "no host");
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw new ProxyConfigError(variable, value, "a proxy URL has no path or query");
  }
  return { url: value.trim().replace(/\/+$/, ""), kind };
}

const bare = (host: string) => host.replace(/^\[|\]$/g, "").toLowerCase();

function isLoopback(host: string): boolean {
  const h = bare(host);
  return h === "localhost" || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::1";
}

/** curl-style NO_PROXY: `*`, host names matching themselves and their subdomains, optional `:port`. */
function bypassedByNoProxy(url: URL, noProxy: string): boolean {
  const host = bare(url.hostname);
  const port = url.port || (url.protocol === "https:" || url.protocol === "wss:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (m === null) continue;
    const name = bare(m[1] ?? "").replace(/^\*?\./, "");
    if (m[2] !== undefined && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * The proxy for one kind of traffic: `variable` when set (used for every host), else the first of
 * HTTPS_PROXY, https_proxy, HTTP_PROXY, http_proxy (not used for loopback and NO_PROXY hosts, so a
 * stray corporate proxy never swallows traffic to the local simulators). Null without any.
 * Throws ProxyConfigError for a malformed value.
 */
export function resolveProxy(p: ResolveProxyParams): ResolvedProxy | null {
  const explicit = p.env[p.variable]?.trim();
  const variable = explicit ? p.variable : FALLBACKS.find((name) => (p.env[name]?.trim() ?? "") !== "");
  if (variable === undefined) return null;
  const { url, kind } = parseProxy(variable, p.env[variable] ?? "");
  const noProxy = [p.env["NO_PROXY"], p.env["no_proxy"]].filter(Boolean).join(",");
  const appliesTo = (target: string): boolean => {
    if (explicit) return true;
    let parsed: URL;
    try {
      parsed = new URL(target);
    } catch {
      return true;
    }
    return !isLoopback(parsed.hostname) && !bypassedByNoProxy(parsed, noProxy);
  };
  return { url, shown: redactUrlCredentials(url), kind, variable, appliesTo };
}
