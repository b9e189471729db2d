import { isGeneratedBase } from "./generated-bases.js";
import { COINBASE_PRODUCTS } from "./recorded/coinbase-products.js";
import { COINBASE_PRODUCTS_FUTURE } from "./recorded/coinbase-products-future.js";

type Json = Record<string, unknown>;
type Listing = { products: readonly Json[]; num_products: number; pagination?: unknown };

const spot = COINBASE_PRODUCTS as unknown as Listing;
const future = COINBASE_PRODUCTS_FUTURE as unknown as Listing;

/** Generated spot products cloned from the recorded BTC-USD entry. */
function spotProduct(base: string, name: string): Json[] {
  const template = spot.products.find((p) => p["product_id"] === "BTC-USD");
  if (template === undefined) return [];
  const id = `${base}-USD`;
  return [
    {
      ...template,
      product_id: id,
      base_currency_id: base,
      base_display_symbol: base,
      base_name: name,
      display_name: id,
      alias_to: [],
    },
  ];
}

export const COINBASE_SPOT_PRODUCTS: readonly Json[] = [
  ...spot.products,
  ...spotProduct("ETH", "Ethereum"),
  ...spotProduct("SOL", "Solana"),
];
export const COINBASE_FUTURE_PRODUCTS: readonly Json[] = future.products;

export function coinbaseListing(products: readonly Json[]): Listing {
  return { products: [...products], num_products: products.length, pagination: spot.pagination };
}

/** The spot products with the generated bases' USD pairs after the fixed ones. */
export function coinbaseSpotProducts(generated: readonly string[]): readonly Json[] {
  return [...COINBASE_SPOT_PRODUCTS, ...generated.flatMap((base) => spotProduct(base, base))];
}

/** product_id -> simulated symbol, for spot products. */
export function coinbaseSymbol(productId: string): string | undefined {
  const product = COINBASE_SPOT_PRODUCTS.find((p) => p["product_id"] === productId);
  if (product === undefined) {
    // A generated base (see generated-bases.ts): BASE-USD.
    const [base, quote] = productId.split("-");
    return isGeneratedBase(base) && quote === "USD" ? `${base}/USD` : undefined;
  }
  return `${String(product["base_currency_id"])}/${String(product["quote_currency_id"])}`;
}

/** /v2/currencies (fiat), /v2/currencies/crypto and /v2/exchange-rates, which ccxt loads with the markets. */
export const COINBASE_FIAT = {
  data: [
    { id: "USD", name: "US Dollar", min_size: "0.01" },
    { id: "EUR", name: "Euro", min_size: "0.01" },
  ],
};

export const COINBASE_CRYPTO = {
  data: [
    ["BTC", "Bitcoin", "#F7931A", "100"],
    ["ETH", "Ethereum", "#627EEA", "102"],
    ["SOL", "Solana", "#9945FF", "118"],
    ["USDC", "USDC", "#2775CA", "101"],
  ].map(([code, name, color, sortIndex]) => ({
    asset_id: `00000000-0000-4000-8000-0000000000${sortIndex}`,
    code,
    name,
    color,
    sort_index: sortIndex,
    exponent: "8",
    type: "crypto",
    address_regex: "^.+$",
  })),
};

export function coinbaseExchangeRates(prices: Readonly<Record<string, number>>): Json {
  const rates = Object.fromEntries(
    Object.entries(prices).map(([code, price]) => [code, (1 / price).toPrecision(10)]),
  );
  return { data: { currency: "USD", rates: { USD: "1.0", EUR: "0.92", ...rates } } };
}
