export { generateCandles, aggregateCandles, INTERVAL_MS } from "./generate-candles.js";
export type { SimCandle, SimInterval, GenerateCandlesParams } from "./generate-candles.js";
export { generateFundingRates, predictFunding } from "./generate-funding-rates.js";
export type { SimFundingPrediction, SimFundingRate, GenerateSeriesParams } from "./generate-funding-rates.js";
export { generateOpenInterest } from "./generate-open-interest.js";
export type { SimOpenInterest } from "./generate-open-interest.js";
export { generateLiquidations } from "./generate-liquidations.js";
export { derivePriceCandles, generateLongShortRatios } from "./generate-derivatives.js";
export type { PriceKind, SimPriceCandle, SimLongShortRatios } from "./generate-derivatives.js";
export type { SimLiquidation } from "./generate-liquidations.js";
export {
  SYMBOL_LIFE,
  DEFAULT_LISTED_MS,
  symbolLife,
  fundingIntervalHours,
  isListedAt,
  isZombieAt,
  candlesEndMs,
  listingStateAt,
  LISTING_LIFECYCLE,
  splitSymbol,
  isPerpetual,
} from "./symbol-life.js";
export type { ListingState, SymbolLife, SymbolParts } from "./symbol-life.js";
export { modelSymbol, priceAt } from "./price-model.js";
export type { SymbolModel } from "./price-model.js";
export { createSeriesSource } from "./series-source.js";
export type { RecordedSeries, SeriesSource } from "./series-source.js";
export { loadSeries, SeriesFormatError } from "./load-series.js";
export { generateOrderBook } from "./generate-order-book.js";
export type { BookLevels, SimOrderBook } from "./generate-order-book.js";
