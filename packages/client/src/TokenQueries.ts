import type { TableName } from "@cexdata/schema";
import type { Dataset } from "./Dataset.js";
import type { ShapedResult } from "./duckdb/run-query.js";
import { normalizeShape } from "./query/normalize-args.js";
import { queryCoverage } from "./query/query-coverage.js";
import { queryBasis, queryPriceCandles } from "./query/query-derivatives.js";
import {
  queryEventTable,
  queryFundingRates,
  queryLiquidations,
  queryMarkets,
  queryOhlcv,
  queryOpenInterest,
} from "./query/query-tables.js";
import type { ResultShape, ShapeOption, TableResult } from "./query/result-types.js";
import type {
  BasisOptions,
  BasisRow,
  BookDepthOptions,
  Coverage,
  CoverageOptions,
  OhlcvOptions,
  PriceCandleOptions,
  SeriesOptions,
} from "./query/row-types.js";

/**
 * The table methods `Token` and `Tokens` share, defined once: each is one query over the object's
 * bases (one for a Token, many for Tokens), returned as rows, columns or an Arrow table (`as`).
 */
export abstract class TokenQueries {
  readonly dataset: Dataset;
  /** The bases every query of this object reads. */
  protected readonly queryBases: readonly string[];

  protected constructor(bases: readonly string[], dataset: Dataset) {
    this.queryBases = bases;
    this.dataset = dataset;
  }

  /** Candles, oldest first (by base, then time). Default: 1d, spot, USDT (USD on coinbase), first exchange listing the base. */
  async ohlcv<A extends ResultShape = "rows">(
    options: OhlcvOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"ohlcv_1m", A>> {
    return shaped<"ohlcv_1m", A>(queryOhlcv(this.dataset, this.queryBases, checked(options)));
  }

  /** Funding payments of the perpetual. */
  async fundingRates<A extends ResultShape = "rows">(
    options: SeriesOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"funding_rates", A>> {
    return shaped<"funding_rates", A>(queryFundingRates(this.dataset, this.queryBases, checked(options)));
  }

  /** Hourly open interest of the perpetual. */
  async openInterest<A extends ResultShape = "rows">(
    options: SeriesOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"open_interest", A>> {
    return shaped<"open_interest", A>(queryOpenInterest(this.dataset, this.queryBases, checked(options)));
  }

  /** Liquidations of the perpetual, while a collector was listening (see `liquidationCoverage`). */
  async liquidations<A extends ResultShape = "rows">(
    options: SeriesOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"liquidations", A>> {
    return shaped<"liquidations", A>(queryLiquidations(this.dataset, this.queryBases, checked(options)));
  }

  /** Mark-price candles of the perpetual: 1h, or 4h, 12h, 1d, 1w built from it. */
  async markOhlcv<A extends ResultShape = "rows">(
    options: PriceCandleOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"mark_ohlcv_1h", A>> {
    return shaped(queryPriceCandles(this.dataset, "mark_ohlcv_1h", this.queryBases, checked(options)));
  }

  /** Index-price candles (the spot basket the perpetual tracks). */
  async indexOhlcv<A extends ResultShape = "rows">(
    options: PriceCandleOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"index_ohlcv_1h", A>> {
    return shaped(queryPriceCandles(this.dataset, "index_ohlcv_1h", this.queryBases, checked(options)));
  }

  /** Premium-index candles (signed fractions: the input of the funding rate). */
  async premiumIndexOhlcv<A extends ResultShape = "rows">(
    options: PriceCandleOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"premium_index_ohlcv_1h", A>> {
    return shaped(
      queryPriceCandles(this.dataset, "premium_index_ohlcv_1h", this.queryBases, checked(options)),
    );
  }

  /** Hourly long/short ratios: top traders' accounts and positions, all accounts, taker buy/sell. */
  async longShortRatios<A extends ResultShape = "rows">(
    options: SeriesOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"long_short_ratios", A>> {
    return shaped(queryEventTable(this.dataset, "long_short_ratios", this.queryBases, checked(options)));
  }

  /**
   * The funding rate each exchange predicted, read hourly, for the perpetual's next funding (which
   * `fundingRates` holds once paid); mark and index price where the reading gives them.
   */
  async fundingPredictions<A extends ResultShape = "rows">(
    options: SeriesOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"funding_predictions", A>> {
    return shaped(queryEventTable(this.dataset, "funding_predictions", this.queryBases, checked(options)));
  }

  /**
   * The perpetual's close against its index and its spot close at the end of each bucket, as a
   * fraction and annualised. Rows only: it is computed from three tables, not read from one.
   */
  basis(options: BasisOptions = {}): Promise<BasisRow[]> {
    return queryBasis(this.dataset, this.queryBases, options);
  }

  /**
   * Daily coverage of the bases' series of one table: expected and present slots, missing minutes,
   * sources, whether listed all day, zombie rows after a delisting. Rows only: one row per day.
   */
  coverage(options: CoverageOptions = {}): Promise<Coverage[]> {
    return queryCoverage(this.dataset, this.queryBases, options);
  }

  /** Order book depth snapshots (default: perpetual, the first exchange holding them). */
  async bookDepth<A extends ResultShape = "rows">(
    options: BookDepthOptions & ShapeOption<A> = {},
  ): Promise<TableResult<"book_depth", A>> {
    return shaped(
      queryEventTable(this.dataset, "book_depth", this.queryBases, checked({ market: "perp", ...options })),
    );
  }

  /** Every market (spot and perp) listing the bases, from exchange_info. */
  async markets<A extends ResultShape = "rows">(
    options: ShapeOption<A> = {},
  ): Promise<TableResult<"exchange_info", A>> {
    return shaped<"exchange_info", A>(queryMarkets(this.dataset, this.queryBases, checked(options)));
  }
}

/** Refuses an unknown `as` before anything runs. */
export function checked<O extends { as?: unknown }>(options: O): O & { as: ResultShape } {
  return { ...options, as: normalizeShape(options.as) };
}

/** The result typed by the `as` the caller asked for (the query returned that shape). */
export function shaped<T extends TableName, A extends ResultShape>(
  result: Promise<ShapedResult>,
): Promise<TableResult<T, A>> {
  return result as Promise<TableResult<T, A>>;
}

/** Rows in a result of any shape. */
export function countRows(result: ShapedResult): number {
  return "numRows" in result ? result.numRows : result.length;
}
