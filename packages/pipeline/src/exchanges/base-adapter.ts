import type { Exchange, MarketInterface as CcxtMarket } from "ccxt";
import { quotesOf, unifiedSymbol, type ExchangeInfoRow, type Market } from "@cexdata/schema";
import { mapMarketInfo, marketTypeOf } from "./market-info.js";
import type { ExchangeAdapter } from "./types.js";

/** The parts every adapter shares: markets, symbol lookup, exchange_info. */
export type BaseAdapter = Pick<
  ExchangeAdapter,
  | "id"
  | "ccxt"
  | "loadMarkets"
  | "symbolFor"
  | "symbols"
  | "exchangeInfo"
  | "assetName"
  | "blockedMarket"
  | "archivedTables"
> & {
  /** The loaded ccxt market of a unified symbol (throws ccxt BadSymbol when unknown). */
  market(symbol: string): CcxtMarket;
};

/**
 * The parts every adapter shares. A base named alone resolves by the schema's quote preference of
 * the exchange (`BTC` -> `BTC/USDT`; `BTC/USD` on Coinbase).
 */
export function createBaseAdapter(exchange: Exchange): BaseAdapter {
  let loading: Promise<void> | undefined;
  const marketsOf = (): CcxtMarket[] =>
    Object.values(exchange.markets ?? {}).filter((m): m is CcxtMarket => !!m) as CcxtMarket[];
  return {
    id: exchange.id,
    ccxt: exchange,
    loadMarkets() {
      loading ??= exchange.loadMarkets().then(
        () => undefined,
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
    market: (symbol) => exchange.market(symbol) as CcxtMarket,
    symbolFor(base, market) {
      for (const q of quotesOf(exchange.id, market)) {
        const symbol = unifiedSymbol(base, q, market);
        const m = exchange.markets?.[symbol];
        if (m && marketTypeOf(m) === market) return symbol;
      }
      return undefined;
    },
    symbols: (market) =>
      marketsOf()
        .filter((m) => marketTypeOf(m) === market)
        .map((m) => m.symbol),
    exchangeInfo(markets: readonly Market[], nowMs: number): ExchangeInfoRow[] {
      return marketsOf()
        .map((m) => mapMarketInfo(exchange, m, nowMs))
        .filter((r): r is ExchangeInfoRow => r !== null && markets.includes(r.market));
    },
    // A geo-block found while loading markets ends the whole exchange's run (see run-cycle);
    // only an exchange with a separate host per market (Binance) can lose one market alone.
    blockedMarket: () => null,
    archivedTables: [],
    assetName(base) {
      const name = exchange.currencies?.[base]?.name;
      return typeof name === "string" && name.length > 0 && name !== base ? name : null;
    },
  };
}
