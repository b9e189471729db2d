import { ProxyAgent, type Dispatcher } from "undici";
import type { ResolvedProxy } from "./resolve-proxy.js";

/** The proxy answered a CONNECT with something other than 200: 407 is a wrong or missing password. */
export class ProxyRefusedError extends Error {
  constructor(
    /** The proxy with its password hidden. */
    readonly proxy: string,
    readonly variable: string,
    readonly status: number,
  ) {
    super(
      `proxy ${proxy} (${variable}) refused the connection with HTTP ${status}` +
        (status === 407 ? " Proxy Authentication Required: check the user and password" : ""),
    );
    this.name = "ProxyRefusedError";
  }
}

type Handler = Dispatcher.DispatchHandler & Record<string, unknown>;

/** undici reports a refused tunnel as an AbortError, which ccxt and fetch turn into "timed out" or "cancelled". */
function translate(error: unknown, proxy: ResolvedProxy): unknown {
  const status = /Proxy response \((\d{3})\) !== 200/.exec(error instanceof Error ? error.message : "")?.[1];
  return status === undefined ? error : new ProxyRefusedError(proxy.shown, proxy.variable, Number(status));
}

function withTranslatedErrors(handler: Handler, proxy: ResolvedProxy): Handler {
  return new Proxy(handler, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "onError") return (error: unknown) => value.call(target, translate(error, proxy));
      if (prop === "onResponseError") {
        return (controller: unknown, error: unknown) =>
          value.call(target, controller, translate(error, proxy));
      }
      return value.bind(target);
    },
  });
}

/**
 * An undici ProxyAgent for `proxy` whose refused tunnels fail as ProxyRefusedError (not retried,
 * saying what to fix) instead of undici's AbortError. `options` are further ProxyAgent options
 * (ccxt's keep-alive tuning).
 */
export function createProxyDispatcher(
  proxy: ResolvedProxy,
  options: Record<string, unknown> = {},
): Dispatcher {
  return new ProxyAgent({ ...options, uri: proxy.url }).compose(
    (dispatch) => (opts, handler) => dispatch(opts, withTranslatedErrors(handler as Handler, proxy)),
  );
}
