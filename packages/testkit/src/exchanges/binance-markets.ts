import { symbolLife } from "../series/index.js";
import { BINANCE_SPOT_EXCHANGE_INFO } from "./recorded/binance-exchange-info.js";
import { BINANCE_USDM_EXCHANGE_INFO } from "./recorded/binance-usdm-exchange-info.js";

/** A Binance market id and the ccxt symbol the simulator generates it under. */
export interface BinanceMarket {
  readonly id: string;
  readonly symbol: string;
}

type Json = Record<string, unknown>;

/** Generated entries cloned from the recorded BTCUSDT one, with the fields that name them changed. */
function cloneEntry(template: Json, base: string, quote: string, extra: Json): Json {
  return {
    ...structuredClone(template),
    symbol: `${base}${quote}`,
    baseAsset: base,
    quoteAsset: quote,
    ...extra,
  };
}

const onboard = (symbol: string): number => symbolLife("binance", symbol).listedMs;

/** /api/v3/exchangeInfo: the recorded BTCUSDT and ETHUSDT, plus SOLUSDT and the delisted LUNAUSDT. */
export function binanceSpotExchangeInfo(serverTime: number): Json {
  const recorded = BINANCE_SPOT_EXCHANGE_INFO as unknown as Json & { symbols: Json[] };
  const [btc] = recorded.symbols;
  const extra =
    btc === undefined
      ? []
      : [cloneEntry(btc, "SOL", "USDT", {}), cloneEntry(btc, "LUNA", "USDT", { status: "BREAK" })];
  return { ...recorded, serverTime, symbols: [...recorded.symbols, ...extra] };
}

/** /fapi/v1/exchangeInfo: the recorded BTCUSDT, ETHUSDT and a dated future, plus generated perpetuals. */
export function binanceUsdmExchangeInfo(serverTime: number): Json {
  const recorded = BINANCE_USDM_EXCHANGE_INFO as unknown as Json & { symbols: Json[] };
  const [btc] = recorded.symbols;
  const perp = (base: string, extra: Json = {}): Json[] =>
    btc === undefined
      ? []
      : [
          cloneEntry(btc, base, "USDT", {
            pair: `${base}USDT`,
            onboardDate: onboard(`${base}/USDT:USDT`),
            ...extra,
          }),
        ];
  return {
    ...recorded,
    serverTime,
    symbols: [...recorded.symbols, ...perp("SOL"), ...perp("DOGE"), ...perp("LUNA", { status: "SETTLING" })],
  };
}

/** /dapi/v1/exchangeInfo: one coin-margined perpetual, BTCUSD_PERP, in the USDⓈ-M entry's shape. */
export function binanceCoinmExchangeInfo(serverTime: number): Json {
  const recorded = BINANCE_USDM_EXCHANGE_INFO as unknown as Json & { symbols: Json[] };
  const [btc] = recorded.symbols;
  const symbols =
    btc === undefined
      ? []
      : [
          cloneEntry(btc, "BTC", "USD", {
            symbol: "BTCUSD_PERP",
            pair: "BTCUSD",
            marginAsset: "BTC",
            contractSize: 100,
            contractStatus: "TRADING",
            onboardDate: onboard("BTC/USD:BTC"),
          }),
        ];
  return { ...recorded, futuresType: "COIN_MARGINED", serverTime, symbols };
}

/** Market id -> simulated symbol, per API family. */
export const BINANCE_SPOT_SYMBOLS: Readonly<Record<string, string>> = {
  BTCUSDT: "BTC/USDT",
  ETHUSDT: "ETH/USDT",
  SOLUSDT: "SOL/USDT",
  LUNAUSDT: "LUNA/USDT",
};
export const BINANCE_USDM_SYMBOLS: Readonly<Record<string, string>> = {
  BTCUSDT: "BTC/USDT:USDT",
  ETHUSDT: "ETH/USDT:USDT",
  SOLUSDT: "SOL/USDT:USDT",
  DOGEUSDT: "DOGE/USDT:USDT",
  LUNAUSDT: "LUNA/USDT:USDT",
};
export const BINANCE_COINM_SYMBOLS: Readonly<Record<string, string>> = {
  BTCUSD_PERP: "BTC/USD:BTC",
  BTCUSD: "BTC/USD:BTC",
};
