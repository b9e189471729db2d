import type { Dataset } from "./Dataset.js";
import { normalizeBase } from "./query/normalize-args.js";
import {
  queryEventTable,
  queryFundingRates,
  queryLiquidations,
  queryMarkets,
  queryOhlcv,
  queryOpenInterest,
  queryTokenInfo,
} from "./query/query-tables.js";
import { queryBasis, queryPriceCandles } from "./query/query-derivatives.js";
import type {
  BasisOptions,
  LongShortRatio,
  OhlcvOptions,
  PriceCandleOptions,
  SeriesOptions,
} from "./query/row-types.js";
import { useDataset } from "./use-dataset.js";
import type { TokenOptions } from "./Token.js";

/** Several tokens answered together: each method runs ONE query for all of them. */
export class Tokens {
  readonly bases: readonly string[];
  readonly dataset: Dataset;

  constructor(bases: readonly string[], options: TokenOptions = {}) {
    this.bases = [...new Set(bases.map(normalizeBase))];
    this.dataset = useDataset(options.dataset);
  }

  /** Candles of every token (each on its own default exchange and quote), ordered by base then time. */
  ohlcv(options: OhlcvOptions = {}) {
    return queryOhlcv(this.dataset, this.bases, options);
  }

  fundingRates(options: SeriesOptions = {}) {
    return queryFundingRates(this.dataset, this.bases, options);
  }

  openInterest(options: SeriesOptions = {}) {
    return queryOpenInterest(this.dataset, this.bases, options);
  }

  liquidations(options: SeriesOptions = {}) {
    return queryLiquidations(this.dataset, this.bases, options);
  }

  markOhlcv(options: PriceCandleOptions = {}) {
    return queryPriceCandles(this.dataset, "mark_ohlcv_1h", this.bases, options);
  }

  indexOhlcv(options: PriceCandleOptions = {}) {
    return queryPriceCandles(this.dataset, "index_ohlcv_1h", this.bases, options);
  }

  premiumIndexOhlcv(options: PriceCandleOptions = {}) {
    return queryPriceCandles(this.dataset, "premium_index_ohlcv_1h", this.bases, options);
  }

  longShortRatios(options: SeriesOptions = {}) {
    return queryEventTable<LongShortRatio>(this.dataset, "long_short_ratios", this.bases, options);
  }

  basis(options: BasisOptions = {}) {
    return queryBasis(this.dataset, this.bases, options);
  }

  info() {
    return queryTokenInfo(this.dataset, this.bases);
  }

  markets() {
    return queryMarkets(this.dataset, this.bases);
  }
}
