import { fundingIntervalHours, symbolLife } from "../series/index.js";
import { isGeneratedBase } from "./generated-bases.js";

/**
 * Bybit v5 instruments-info entries in the shape ccxt documents from the live API (no recording
 * of Bybit instruments was found), for the symbols the simulator generates.
 */
type Json = Record<string, unknown>;

function spotEntry(base: string, tickSize: string): Json {
  return {
    symbol: `${base}USDT`,
    baseCoin: base,
    quoteCoin: "USDT",
    innovation: "0",
    status: "Trading",
    marginTrading: "both",
    lotSizeFilter: {
      basePrecision: "0.000001",
      quotePrecision: "0.00000001",
      minOrderQty: "0.000048",
      maxOrderQty: "71.73956243",
      minOrderAmt: "1",
      maxOrderAmt: "2000000",
    },
    priceFilter: { tickSize },
  };
}

function contractEntry(base: string, quote: string, tickSize: string, qtyStep: string): Json {
  const linear = quote === "USDT";
  const symbol = linear ? `${base}/USDT:USDT` : `${base}/USD:${base}`;
  return {
    symbol: `${base}${quote}`,
    contractType: linear ? "LinearPerpetual" : "InversePerpetual",
    status: "Trading",
    baseCoin: base,
    quoteCoin: quote,
    launchTime: String(symbolLife("bybit", symbol).listedMs),
    deliveryTime: "0",
    deliveryFeeRate: "",
    priceScale: String(Math.max(0, -Math.log10(Number(tickSize)))),
    leverageFilter: { minLeverage: "1", maxLeverage: "100.00", leverageStep: "0.01" },
    priceFilter: { minPrice: tickSize, maxPrice: "1999999.80", tickSize },
    lotSizeFilter: {
      maxOrderQty: "1190.000",
      minOrderQty: qtyStep,
      qtyStep,
      postOnlyMaxOrderQty: "1190.000",
      maxMktOrderQty: "500.000",
      minNotionalValue: "5",
    },
    unifiedMarginTrade: true,
    fundingInterval: fundingIntervalHours("bybit", symbol) * 60,
    settleCoin: linear ? "USDT" : base,
    copyTrading: "both",
    upperFundingRate: "0.005",
    lowerFundingRate: "-0.005",
  };
}

export const BYBIT_INSTRUMENTS: Readonly<Record<string, readonly Json[]>> = {
  spot: [spotEntry("BTC", "0.01"), spotEntry("ETH", "0.01"), spotEntry("SOL", "0.01")],
  linear: [
    contractEntry("BTC", "USDT", "0.10", "0.001"),
    contractEntry("ETH", "USDT", "0.01", "0.01"),
    contractEntry("SOL", "USDT", "0.010", "0.1"),
    contractEntry("DOGE", "USDT", "0.00001", "1"),
  ],
  inverse: [contractEntry("BTC", "USD", "0.50", "1")],
  option: [],
};

/** The instruments of `category` with the generated bases' spot pairs and perpetuals after the fixed ones. */
export function bybitInstruments(category: string, generated: readonly string[]): readonly Json[] {
  const fixed = BYBIT_INSTRUMENTS[category] ?? [];
  if (category === "spot") return [...fixed, ...generated.map((base) => spotEntry(base, "0.0001"))];
  if (category === "linear")
    return [...fixed, ...generated.map((base) => contractEntry(base, "USDT", "0.0001", "0.1"))];
  return fixed;
}

/** Bybit symbol id -> simulated ccxt symbol, per category. */
export function bybitSymbol(category: string, id: string): string | undefined {
  const entry = BYBIT_INSTRUMENTS[category]?.find((e) => e["symbol"] === id);
  if (entry === undefined) {
    // A generated base (see generated-bases.ts): BASEUSDT, spot or linear.
    const base = id.endsWith("USDT") ? id.slice(0, -"USDT".length) : undefined;
    if (!isGeneratedBase(base)) return undefined;
    if (category === "spot") return `${base}/USDT`;
    return category === "linear" ? `${base}/USDT:USDT` : undefined;
  }
  const base = String(entry["baseCoin"]);
  const quote = String(entry["quoteCoin"]);
  if (category === "spot") return `${base}/${quote}`;
  return category === "linear" ? `${base}/${quote}:${quote}` : `${base}/${quote}:${base}`;
}
