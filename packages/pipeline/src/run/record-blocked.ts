import type { Market } from "@cexdata/schema";
import type { ExchangeGeoBlockedError } from "../exchanges/geo-block.js";
import { isSeriesTable } from "@cexdata/schema";
import type { ExchangeAdapter, SeriesRef } from "../exchanges/types.js";
import { recordBlocked, type RunReport, type SeriesBlocked } from "../report/run-report.js";

/** The report entry of a series refused by a geo-block. */
export function blockedEntry(series: SeriesRef, error: ExchangeGeoBlockedError): SeriesBlocked {
  return {
    table: series.table,
    exchange: series.exchange,
    market: series.market,
    symbol: series.symbol,
    host: error.host,
    remedy: error.remedy,
    message: error.message,
  };
}

/** Every table and market of an exchange whose markets could not even be loaded: blocked, not failed. */
export function recordBlockedExchanges(
  report: RunReport,
  exchanges: readonly { adapter: ExchangeAdapter; error: ExchangeGeoBlockedError }[],
  wanted: { tables: readonly string[]; markets: readonly Market[]; bases: readonly string[] },
): void {
  const bases = wanted.bases.length ? ` (${wanted.bases.join(", ")})` : "";
  for (const { adapter, error } of exchanges) {
    for (const table of wanted.tables) {
      for (const market of wanted.markets) {
        if (isSeriesTable(table) && adapter.unsupported(table, market) !== null) continue;
        recordBlocked(report, {
          table,
          exchange: error.exchange,
          market,
          host: error.host,
          remedy: error.remedy,
          message: `nothing fetched${bases}: ${error.message}`,
        });
      }
    }
  }
}
