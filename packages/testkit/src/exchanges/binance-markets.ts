import { LISTING_LIFECYCLE, listingStateAt, symbolLife } from "../series/index.js";
import { keepShare, type ListingControls } from "./listing-controls.js";
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
export function binanceSpotExchangeInfo(serverTime: number, listings: ListingControls): Json {
  const recorded = BINANCE_SPOT_EXCHANGE_INFO as unknown as Json & { symbols: Json[] };
  const [btc] = recorded.symbols;
  const extra =
    btc === undefined
      ? []
      : [
          cloneEntry(btc, "SOL", "USDT", {}),
          cloneEntry(btc, "LUNA", "USDT", { status: "BREAK" }),
          ...listings.generated.map((base) => cloneEntry(btc, base, "USDT", {})),
        ];
  return { ...recorded, serverTime, symbols: keepShare([...recorded.symbols, ...extra], listings.share) };
}

/** Binance's "never" delivery date of a perpetual (2100-12-25), as the recorded entries carry it. */
const PERPETUAL_DELIVERY = 4133404800000;

/**
 * A lifecycle scenario perpetual as the listing shows it at `nowMs`: PENDING_TRADING once announced,
 * TRADING, then SETTLING once delisted, its deliveryDate moved to the settlement time (Binance's
 * Contract status enum; the moved date is this simulator's reading of it), and absent once removed.
 */
function scenarioPerp(template: Json, id: string, symbol: string, nowMs: number): Json[] {
  const state = listingStateAt("binance", symbol, nowMs);
  if (state === "absent") return [];
  const life = symbolLife("binance", symbol);
  const base = id.slice(0, -"USDT".length);
  const status = state === "pending" ? "PENDING_TRADING" : state === "trading" ? "TRADING" : "SETTLING";
  const deliveryDate = state === "halted" ? (life.delistedMs ?? PERPETUAL_DELIVERY) : PERPETUAL_DELIVERY;
  return [cloneEntry(template, base, "USDT", { pair: id, onboardDate: life.listedMs, deliveryDate, status })];
}

/** /fapi/v1/exchangeInfo: the recorded BTCUSDT, ETHUSDT and a dated future, plus generated perpetuals. */
export function binanceUsdmExchangeInfo(serverTime: number, listings: ListingControls): Json {
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
  const scenario =
    listings.scenario && btc !== undefined
      ? Object.entries(LISTING_LIFECYCLE.usdm).flatMap(([id, symbol]) =>
          scenarioPerp(btc, id, symbol, serverTime),
        )
      : [];
  const symbols = [
    ...recorded.symbols,
    ...perp("SOL"),
    ...perp("DOGE"),
    // Settled on its delisting, the deliveryDate moved there (see scenarioPerp).
    ...perp("LUNA", { status: "SETTLING", deliveryDate: symbolLife("binance", "LUNA/USDT:USDT").delistedMs }),
    ...listings.generated.flatMap((base) => perp(base)),
    ...scenario,
  ];
  return { ...recorded, serverTime, symbols: keepShare(symbols, listings.share) };
}

/** USDⓈ-M market ids the klines and depth routes answer at `nowMs` (scenario markets while listed). */
export function binanceUsdmSymbols(
  listings: ListingControls,
  nowMs: number,
): Readonly<Record<string, string>> {
  const generated = generatedSymbols(listings, ":USDT");
  if (!listings.scenario) return { ...BINANCE_USDM_SYMBOLS, ...generated };
  const live = Object.entries(LISTING_LIFECYCLE.usdm).filter(
    ([, symbol]) => listingStateAt("binance", symbol, nowMs) !== "absent",
  );
  return { ...BINANCE_USDM_SYMBOLS, ...generated, ...Object.fromEntries(live) };
}

/** Spot market ids the klines and depth routes answer: the fixed ones and the generated bases. */
export function binanceSpotSymbols(listings: ListingControls): Readonly<Record<string, string>> {
  return { ...BINANCE_SPOT_SYMBOLS, ...generatedSymbols(listings, "") };
}

/** `<BASE>USDT` -> `<BASE>/USDT<suffix>` for each generated base listed. */
function generatedSymbols(listings: ListingControls, suffix: string): Record<string, string> {
  return Object.fromEntries(listings.generated.map((base) => [`${base}USDT`, `${base}/USDT${suffix}`]));
}

/** /dapi/v1/exchangeInfo: one coin-margined perpetual, BTCUSD_PERP, in the USDⓈ-M entry's shape. */
export function binanceCoinmExchangeInfo(serverTime: number, listings: ListingControls): Json {
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
  return {
    ...recorded,
    futuresType: "COIN_MARGINED",
    serverTime,
    symbols: keepShare(symbols, listings.share),
  };
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
