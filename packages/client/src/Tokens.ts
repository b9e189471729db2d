import type { Dataset } from "./Dataset.js";
import { normalizeBase } from "./query/normalize-args.js";
import {
  queryFundingRates,
  queryLiquidations,
  queryMarkets,
  queryOhlcv,
  queryEventTable,
  queryOpenInterest,
  queryTokenInfo,
} from "./query/query-tables.js";
import { queryCoverage } from "./query/query-coverage.js";
import { queryUniverse } from "./query/query-listing.js";
import type {
  BookDepth,
  BookDepthOptions,
  CoverageOptions,
  OhlcvOptions,
  SeriesOptions,
  UniverseOptions,
} from "./query/row-types.js";
import { useDataset } from "./use-dataset.js";
import type { TokenOptions } from "./Token.js";

/** Several tokens answered together: each method runs ONE query for all of them. */
export class Tokens {
  readonly bases: readonly string[];
  readonly dataset: Dataset;

  /**
   * The bases listed at a moment (listed_at <= at < delisted_at), delisted ones included for the
   * time they traded: `new Tokens(await Tokens.universe({ at: "2022-05-01" }))`.
   */
  static universe(options: UniverseOptions & TokenOptions): Promise<string[]> {
    return queryUniverse(useDataset(options.dataset), options);
  }

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

  coverage(options: CoverageOptions = {}) {
    return queryCoverage(this.dataset, this.bases, options);
  }

  bookDepth(options: BookDepthOptions = {}) {
    return queryEventTable<BookDepth>(this.dataset, "book_depth", this.bases, { market: "perp", ...options });
  }

  info() {
    return queryTokenInfo(this.dataset, this.bases);
  }

  markets() {
    return queryMarkets(this.dataset, this.bases);
  }
}
