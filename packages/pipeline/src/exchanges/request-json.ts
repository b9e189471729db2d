import ccxt from "ccxt";
import type { Exchange } from "ccxt";

/**
 * Calls one of ccxt's implicit REST methods (`publicGetKlines`, `fapiPublicGetFundingRate`, ...):
 * the same rate limiter, signing, URL rewriting and error mapping as the unified methods, but the
 * raw payload comes back, with the fields the unified methods drop (quote volume, trade count,
 * OKX's `confirm` flag). A body that is not JSON (truncated, an HTML error page with status 200)
 * surfaces as ccxt's BadResponse, which the pager retries.
 */
export async function requestJson(
  exchange: Exchange,
  method: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const fn = (exchange as unknown as Record<string, unknown>)[method];
  if (typeof fn !== "function") {
    throw new ccxt.NotSupported(`${exchange.id}: ccxt has no endpoint method ${method}`);
  }
  const body: unknown = await (fn as (p: Record<string, unknown>) => Promise<unknown>).call(exchange, params);
  if (body === null || typeof body !== "object") {
    const text = typeof body === "string" ? body.slice(0, 120) : String(body);
    throw new ccxt.BadResponse(`${exchange.id} ${method}: response is not JSON: ${JSON.stringify(text)}`);
  }
  return body;
}
