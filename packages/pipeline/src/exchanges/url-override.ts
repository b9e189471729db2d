/**
 * Points a ccxt exchange at another host (a simulator, a proxy, a self-hosted mirror):
 * `CEXDATA_EXCHANGE_URL_<ID>=http://127.0.0.1:9001` gives every REST and websocket URL of that
 * exchange this scheme and host while keeping its path;
 * `CEXDATA_EXCHANGE_URL_<ID>=api.binance.com=http://127.0.0.1:9001,fapi.binance.com=http://127.0.0.1:9002`
 * does so host by host and leaves hosts it does not name alone.
 */
import { redactUrlCredentials } from "../log/redact-url-credentials.js";

/** The part of a ccxt exchange this helper touches. */
export interface UrlOverridable {
  readonly id: string;
  urls: Record<string, unknown>;
  /** ccxt's `{hostname}` placeholder in `urls` (Bybit's `api.{hostname}`), resolved before matching hosts. */
  readonly hostname?: string;
}

export class ExchangeUrlOverrideError extends Error {
  /** The offending value with any password replaced by `***`. */
  readonly value: string;
  constructor(
    readonly variable: string,
    value: string,
    readonly reason: string,
  ) {
    const shown = redactUrlCredentials(value);
    super(
      `${variable} must be an absolute http(s) or ws(s) URL with no path, or comma-separated host=URL pairs ` +
        `(${reason}), got '${shown}'`,
    );
    this.name = "ExchangeUrlOverrideError";
    this.value = shown;
  }
}

const URL_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]+)(.*)$/i;
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d+)?$/i;

interface Target {
  readonly scheme: string;
  readonly host: string;
}

export function exchangeUrlVariable(id: string): string {
  return `CEXDATA_EXCHANGE_URL_${id.toUpperCase()}`;
}

function parseBase(variable: string, whole: string, base: string): Target {
  const match = URL_PATTERN.exec(base.trim().replace(/\/+$/, ""));
  const scheme = match?.[1]?.toLowerCase();
  if (match === null || scheme === undefined || !/^(https?|wss?)$/.test(scheme)) {
    throw new ExchangeUrlOverrideError(variable, whole, `'${base.trim()}' is not an http(s) or ws(s) URL`);
  }
  if ((match[3] ?? "") !== "") {
    throw new ExchangeUrlOverrideError(variable, whole, `'${base.trim()}' has a path`);
  }
  return { scheme, host: match[2] ?? "" };
}

/** One base for every host (no `=`), or a map from lower-case host (with or without port) to its base. */
function parseOverride(variable: string, value: string): Target | Map<string, Target> {
  if (!value.includes("=")) return parseBase(variable, value, value);
  const byHost = new Map<string, Target>();
  for (const pair of value.split(",").map((p) => p.trim())) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const host = pair.slice(0, eq).trim().toLowerCase();
    if (eq < 0 || !HOST_PATTERN.test(host)) {
      throw new ExchangeUrlOverrideError(
        variable,
        value,
        `'${pair.slice(0, Math.max(eq, 0))}' is not a host`,
      );
    }
    if (byHost.has(host)) throw new ExchangeUrlOverrideError(variable, value, `${host} is named twice`);
    byHost.set(host, parseBase(variable, value, pair.slice(eq + 1)));
  }
  if (byHost.size === 0) throw new ExchangeUrlOverrideError(variable, value, "no host=URL pair");
  return byHost;
}

/** http -> ws and https -> wss for websocket endpoints; the override's scheme otherwise. */
function schemeFor(original: string, override: string): string {
  if (!/^wss?$/i.test(original)) return override;
  if (override === "http") return "ws";
  if (override === "https") return "wss";
  return override;
}

/** A URL's host as the exchange names it: ccxt's `{hostname}` (Bybit's `api.{hostname}`) filled. */
const realHostOf = (host: string, hostname: string | undefined) =>
  (hostname === undefined ? host : host.replace("{hostname}", hostname)).toLowerCase();

/** The base for a URL's host: the host with its port first, then the bare host name. */
function targetFor(host: string, targets: Target | Map<string, Target>, hostname: string | undefined) {
  if (!(targets instanceof Map)) return targets;
  const real = realHostOf(host, hostname);
  return targets.get(real) ?? targets.get(real.replace(/:\d+$/, ""));
}

/** Called for each URL given a new base, with the real host it stands for (`{hostname}` filled). */
export type OnUrlRewrite = (rewrittenUrl: string, realHost: string) => void;

/** Rewrites every URL string under `value`; `rewritten` counts the ones that got a new base. */
function rewrite(
  value: unknown,
  targets: Target | Map<string, Target>,
  hostname: string | undefined,
  rewritten: { count: number; onRewrite?: OnUrlRewrite | undefined },
): unknown {
  if (typeof value === "string") {
    const match = URL_PATTERN.exec(value);
    if (match === null) return value;
    const target = targetFor(match[2] ?? "", targets, hostname);
    if (target === undefined) return value;
    rewritten.count++;
    const url = `${schemeFor(match[1] ?? "", target.scheme)}://${target.host}${match[3] ?? ""}`;
    rewritten.onRewrite?.(url, realHostOf(match[2] ?? "", hostname));
    return url;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, targets, hostname, rewritten));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, rewrite(v, targets, hostname, rewritten)]),
    );
  }
  return value;
}

/** ccxt keeps REST URLs in `urls.api` and websocket URLs in `urls.api.ws` (pro) or `urls.ws`. */
const URL_KEYS = ["api", "ws"] as const;

/**
 * Rewrites the exchange's URLs in place when `CEXDATA_EXCHANGE_URL_<ID>` is set. Matches the hosts
 * the URLs have now, so call it after anything else that changes `urls`. Returns whether any URL
 * was rewritten; `onRewrite` learns each rewritten URL and the real host it stands for.
 */
export function applyExchangeUrlOverride(
  exchange: UrlOverridable,
  env: Readonly<Record<string, string | undefined>> = process.env,
  onRewrite?: OnUrlRewrite,
): boolean {
  const variable = exchangeUrlVariable(exchange.id);
  const value = env[variable];
  if (value === undefined || value.trim() === "") return false;
  const targets = parseOverride(variable, value);
  const rewritten = { count: 0, onRewrite };
  for (const key of URL_KEYS) {
    if (key in exchange.urls) {
      exchange.urls[key] = rewrite(exchange.urls[key], targets, exchange.hostname, rewritten);
    }
  }
  return rewritten.count > 0;
}
