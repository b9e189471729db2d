/**
 * Points a ccxt exchange at another host (a simulator, a proxy, a self-hosted mirror):
 * `CEXDATA_EXCHANGE_URL_<ID>=http://127.0.0.1:9001` gives every REST and websocket URL of that
 * exchange this scheme and host while keeping its path.
 */

/** The part of a ccxt exchange this helper touches. */
export interface UrlOverridable {
  readonly id: string;
  urls: Record<string, unknown>;
}

export class ExchangeUrlOverrideError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
  ) {
    super(`${variable} must be an absolute http(s) or ws(s) URL with no path, got '${value}'`);
    this.name = "ExchangeUrlOverrideError";
  }
}

const URL_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]+)(.*)$/i;

export function exchangeUrlVariable(id: string): string {
  return `CEXDATA_EXCHANGE_URL_${id.toUpperCase()}`;
}

function parseOverride(variable: string, value: string): { scheme: string; host: string } {
  const match = URL_PATTERN.exec(value.trim().replace(/\/+$/, ""));
  const scheme = match?.[1]?.toLowerCase();
  if (match === null || scheme === undefined || !/^(https?|wss?)$/.test(scheme) || (match[3] ?? "") !== "") {
    throw new ExchangeUrlOverrideError(variable, value);
  }
  return { scheme, host: match[2] ?? "" };
}

/** http -> ws and https -> wss for websocket endpoints; the override's scheme otherwise. */
function schemeFor(original: string, override: string): string {
  if (!/^wss?$/i.test(original)) return override;
  if (override === "http") return "ws";
  if (override === "https") return "wss";
  return override;
}

function rewrite(value: unknown, target: { scheme: string; host: string }): unknown {
  if (typeof value === "string") {
    const match = URL_PATTERN.exec(value);
    if (match === null) return value;
    return `${schemeFor(match[1] ?? "", target.scheme)}://${target.host}${match[3] ?? ""}`;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, target));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, target)]));
  }
  return value;
}

/** ccxt keeps REST URLs in `urls.api` and websocket URLs in `urls.api.ws` (pro) or `urls.ws`. */
const URL_KEYS = ["api", "ws"] as const;

/**
 * Rewrites the exchange's URLs in place when `CEXDATA_EXCHANGE_URL_<ID>` is set.
 * Returns whether an override was applied.
 */
export function applyExchangeUrlOverride(
  exchange: UrlOverridable,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  const variable = exchangeUrlVariable(exchange.id);
  const value = env[variable];
  if (value === undefined || value === "") return false;
  const target = parseOverride(variable, value);
  for (const key of URL_KEYS) {
    if (key in exchange.urls) exchange.urls[key] = rewrite(exchange.urls[key], target);
  }
  return true;
}
