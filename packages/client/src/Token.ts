import type { Dataset, DatasetOptions } from "./Dataset.js";
import { UnknownTokenError } from "./errors/index.js";
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
import { queryLiquidationCoverage } from "./query/query-coverage.js";
import { useDataset } from "./use-dataset.js";
import { tearsheetForToken, type TokenTearsheetOptions } from "./tearsheet/index.js";

export interface TokenOptions {
  /** A Dataset (share one to share its DuckDB and cache), its options, or a source string. */
  dataset?: Dataset | DatasetOptions | string;
}

/** One token (base asset) of the dataset. Each method is one SQL template and its parameters. */
export class Token {
  readonly base: string;
  readonly dataset: Dataset;

  constructor(base: string, options: TokenOptions = {}) {
    this.base = normalizeBase(base);
    this.dataset = useDataset(options.dataset);
  }

  /** Candles, oldest first. Default: 1d, spot, USDT (USD on coinbase), first exchange listing it. */
  ohlcv(options: OhlcvOptions = {}) {
    return queryOhlcv(this.dataset, [this.base], options);
  }

  fundingRates(options: SeriesOptions = {}) {
    return queryFundingRates(this.dataset, [this.base], options);
  }

  openInterest(options: SeriesOptions = {}) {
    return queryOpenInterest(this.dataset, [this.base], options);
  }

  liquidations(options: SeriesOptions = {}) {
    return queryLiquidations(this.dataset, [this.base], options);
  }

  /** Mark-price candles of the perpetual: 1h, or 4h, 12h, 1d, 1w built from it. */
  markOhlcv(options: PriceCandleOptions = {}) {
    return queryPriceCandles(this.dataset, "mark_ohlcv_1h", [this.base], options);
  }

  /** Index-price candles (the spot basket the perpetual tracks). */
  indexOhlcv(options: PriceCandleOptions = {}) {
    return queryPriceCandles(this.dataset, "index_ohlcv_1h", [this.base], options);
  }

  /** Premium-index candles (signed fractions: the input of the funding rate). */
  premiumIndexOhlcv(options: PriceCandleOptions = {}) {
    return queryPriceCandles(this.dataset, "premium_index_ohlcv_1h", [this.base], options);
  }

  /** Hourly long/short ratios: top traders' accounts and positions, all accounts, taker buy/sell. */
  longShortRatios(options: SeriesOptions = {}) {
    return queryEventTable<LongShortRatio>(this.dataset, "long_short_ratios", [this.base], options);
  }

  /** The perpetual's close against its index and its spot close: fraction and annualised. */
  basis(options: BasisOptions = {}) {
    return queryBasis(this.dataset, [this.base], options);
  }

  /** When liquidations were being collected, per exchange: tells "none happened" from "not listening". */
  liquidationCoverage(options: { exchange?: string } = {}) {
    return queryLiquidationCoverage(this.dataset, options);
  }

  /** The token_info row (exchanges listing it, first and last candle). */
  async info() {
    return (await queryTokenInfo(this.dataset, [this.base]))[0] ?? throwUnknown(this.base);
  }

  /** Every market (spot and perp) listing the token, from exchange_info. */
  markets() {
    return queryMarkets(this.dataset, [this.base]);
  }

  /** A self-contained HTML tearsheet: candles, returns, drawdown, volatility, funding, open interest. */
  tearsheet(options: TokenTearsheetOptions = {}) {
    return tearsheetForToken(this, options);
  }
}

function throwUnknown(base: string): never {
  throw new UnknownTokenError(base, { didYouMean: [] });
}
