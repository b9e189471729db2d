import { AsyncLocalStorage } from "node:async_hooks";
import type { Exchange } from "ccxt";
import type { RawLog } from "./raw-log.js";

/** What a REST request is being sent for, carried through ccxt's promise chain to its response hook. */
export interface RawRequestContext {
  readonly table: string;
  readonly symbol: string;
  /** Where the page asked for starts (epoch ms): rows before it were not kept from this body. */
  readonly sinceMs?: number;
}

const requestContext = new AsyncLocalStorage<RawRequestContext>();

/**
 * Runs `fetch` with its series and table attached to every request it makes, so the response hook
 * knows what a body was asked for even when series of one exchange are fetched concurrently.
 */
export function fetchingFor<T>(context: RawRequestContext, fetch: () => Promise<T>): Promise<T> {
  return requestContext.run(context, fetch);
}

type OnRestResponse = (
  status: number,
  statusText: string,
  url: string,
  method: string,
  responseHeaders: unknown,
  responseBody: string,
  ...rest: unknown[]
) => string;

/**
 * Appends every successful REST body fetched for one of `tables` to the raw layer, as ccxt received
 * it (before it parses it), with the URL's path and query: the parameters we sent, never a header.
 */
export function captureRestResponses(
  exchange: Exchange,
  p: { readonly log: RawLog; readonly tables: ReadonlySet<string>; readonly clockMs: () => number },
): void {
  if (p.tables.size === 0) return;
  const hooked = exchange as unknown as { onRestResponse: OnRestResponse };
  const original = hooked.onRestResponse.bind(exchange) as OnRestResponse;
  hooked.onRestResponse = (status, statusText, url, method, headers, body, ...rest) => {
    const context = requestContext.getStore();
    if (context && p.tables.has(context.table) && status >= 200 && status < 300) {
      const parsed = new URL(url);
      p.log.append({
        receivedAt: p.clockMs(),
        exchange: exchange.id,
        transport: "rest",
        endpoint: parsed.pathname,
        params: Object.fromEntries(parsed.searchParams),
        table: context.table,
        symbol: context.symbol,
        ...(context.sinceMs !== undefined && { pageSinceMs: context.sinceMs }),
        status,
        body,
      });
    }
    return original(status, statusText, url, method, headers, body, ...rest);
  };
}

interface WsClientLike {
  url: string;
  onMessage(event: { data: unknown }): void;
}

/**
 * Appends every websocket message of `exchange` to the raw layer as its text, before ccxt parses it,
 * under the stream's URL path. Hooked where ccxt creates a connection, so reconnects are captured too.
 */
export function captureWebsocketMessages(
  exchange: Exchange,
  p: {
    readonly log: RawLog;
    readonly table: string;
    /** What the subscriber kept (symbols, a minimum value), so a replay keeps the same. */
    readonly params: Readonly<Record<string, string>>;
    readonly clockMs: () => number;
  },
): void {
  const hooked = exchange as unknown as { client(url: string): WsClientLike };
  const original = hooked.client.bind(exchange);
  const seen = new WeakSet<WsClientLike>();
  hooked.client = (url: string) => {
    const client = original(url);
    if (seen.has(client)) return client;
    seen.add(client);
    const onMessage = client.onMessage.bind(client);
    const endpoint = new URL(client.url).pathname;
    client.onMessage = (event) => {
      const body =
        typeof event.data === "string" ? event.data : Buffer.from(event.data as Uint8Array).toString("utf8");
      p.log.append({
        receivedAt: p.clockMs(),
        exchange: exchange.id,
        transport: "ws",
        endpoint: endpoint === "" ? "/" : endpoint,
        params: { ...p.params },
        table: p.table,
        body,
      });
      onMessage(event);
    };
    return client;
  };
}
