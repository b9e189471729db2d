import { candleIntervalOf, INTERVAL_INFO, isCandleTable, SERIES_TABLES } from "@cexdata/schema";
import { createBaseAdapter } from "./base-adapter.js";
import { completeAdapter, forEachCandleTable } from "./capabilities.js";
import { createCcxtExchange, type AdapterParams } from "./create-ccxt-exchange.js";
import { nextCursor } from "./page-cursor.js";
import { candleFromArray } from "./series-rows.js";
import type { ExchangeAdapter, FetchedPage, TableCapability } from "./types.js";

/** Without knowing an exchange's cap, ask for what most serve: ccxt clamps to the exchange's maximum. */
const GENERIC_PAGE = 500;

/**
 * Any other ccxt exchange: OHLCV through ccxt's unified fetchOHLCV (oldest first from `since`), no
 * quote volume or trade count (ccxt's unified candle does not carry them).
 */
export function createGenericAdapter(id: string, params: AdapterParams = {}): ExchangeAdapter {
  const exchange = createCcxtExchange(id, {}, params);
  const base = createBaseAdapter(exchange);

  const candles: TableCapability = {
    pageSize: GENERIC_PAGE,
    fetchPage: async (q): Promise<FetchedPage> => {
      const interval = candleIntervalOf(q.series.table)!;
      const stepMs = INTERVAL_INFO[interval].ms;
      const ohlcv = await exchange.fetchOHLCV(q.series.symbol, interval, q.sinceMs, GENERIC_PAGE, {
        until: q.untilMs - 1,
      });
      const rows = ohlcv.map((c) => candleFromArray(q.series, c, { volume: 5 }));
      const last = rows.at(-1)?.ts;
      // Caps differ per exchange: any non-empty page may be a capped one, so continue after its last row.
      const next =
        rows.length > 0 && last !== undefined && Number.isFinite(last)
          ? nextCursor({
              cursor: q,
              rawCount: 1,
              limit: 1,
              lastTs: last,
              stepMs,
              windowEndMs: q.untilMs,
              fullPageMayContinue: true,
            })
          : null;
      return { rows, limit: GENERIC_PAGE, next };
    },
  };

  const servesOhlcv = Boolean(exchange.has.fetchOHLCV);
  const notServed = Object.fromEntries(
    SERIES_TABLES.map((table) => [
      table,
      isCandleTable(table)
        ? `${id} does not serve OHLCV`
        : `the generic adapter fetches OHLCV only (no ${id} adapter for ${table})`,
    ]),
  );
  return completeAdapter(base, { tables: servesOhlcv ? forEachCandleTable(candles) : {}, notServed });
}
