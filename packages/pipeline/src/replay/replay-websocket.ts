import type { Exchange, Liquidation, Market } from "ccxt";
import { liquidationRowFrom } from "../collect/liquidation-rows.js";
import type { RawFileProblem } from "../raw/raw-log.js";
import type { RawRecord } from "../raw/raw-record.js";

/** A client as far as ccxt's message handlers use one when nobody is waiting for a result. */
function detachedClient(url: string) {
  return { url, subscriptions: {}, futures: {}, resolve: () => undefined, reject: () => undefined };
}

/**
 * Re-derives `liquidations` rows from websocket messages as the collector received them, through
 * ccxt's own handler for each message (the parser the collector used) and the collector's mapping,
 * keeping what the collector kept: the subscribed symbols and events worth at least its minimum.
 */
export function liquidationRowsFromMessages(
  exchange: Exchange,
  markets: Readonly<Record<string, Market>>,
  records: readonly { readonly record: RawRecord; readonly file: string; readonly offset: number }[],
): { rows: Record<string, unknown>[]; problems: RawFileProblem[] } {
  const rows: Record<string, unknown>[] = [];
  const problems: RawFileProblem[] = [];
  const handled = new WeakSet<Liquidation>();
  const cache = () => (exchange as unknown as { liquidations?: readonly Liquidation[] }).liquidations ?? [];
  for (const { record, file, offset } of records) {
    let message: unknown;
    try {
      message = JSON.parse(record.body);
    } catch {
      // Heartbeats such as OKX's bare "pong" are not JSON and carry no event.
      if (!record.body.trim().startsWith("{") && !record.body.trim().startsWith("[")) continue;
      problems.push({ file, offset, reason: "message is not JSON" });
      continue;
    }
    for (const liq of cache()) handled.add(liq);
    try {
      (exchange as unknown as { handleMessage(c: unknown, m: unknown): void }).handleMessage(
        detachedClient(record.endpoint),
        message,
      );
    } catch (error) {
      problems.push({
        file,
        offset,
        reason: `ccxt could not handle the message: ${(error as Error).message}`,
      });
      continue;
    }
    const wanted = new Set((record.params.symbols ?? "").split(",").filter(Boolean));
    const minValue = Number(record.params.minValue ?? 0);
    for (const liq of cache()) {
      if (handled.has(liq)) continue;
      handled.add(liq);
      if (typeof liq.symbol !== "string" || (wanted.size > 0 && !wanted.has(liq.symbol))) continue;
      const row = liquidationRowFrom(exchange.id, liq, markets[liq.symbol]);
      if (typeof row.value === "number" && row.value >= 0 && row.value < minValue) continue;
      rows.push(row);
    }
  }
  return { rows, problems };
}
