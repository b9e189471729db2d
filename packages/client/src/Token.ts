import type { Dataset, DatasetOptions } from "./Dataset.js";
import { UnknownTokenError } from "./errors/index.js";
import { normalizeBase } from "./query/normalize-args.js";
import { queryLiquidationCoverage } from "./query/query-coverage.js";
import { queryTokenInfo } from "./query/query-tables.js";
import type { ResultShape, ShapeOption, TableResult } from "./query/result-types.js";
import type { TokenInfo } from "./query/row-types.js";
import { useDataset } from "./use-dataset.js";
import { tearsheetForToken, type TokenTearsheetOptions } from "./tearsheet/index.js";
import { checked, countRows, TokenQueries } from "./TokenQueries.js";

export interface TokenOptions {
  /** A Dataset (share one to share its DuckDB and cache), its options, or a source string. */
  dataset?: Dataset | DatasetOptions | string;
}

/** `Token.info()`: the one row (as rows), else the table shaped as asked. */
type InfoResult<A extends ResultShape> = A extends "rows" ? TokenInfo : TableResult<"token_info", A>;

/**
 * One token (base asset) of the dataset. Each method is one SQL template and its parameters; the
 * table methods (ohlcv, fundingRates, openInterest, liquidations, markets) are shared with Tokens.
 */
export class Token extends TokenQueries {
  readonly base: string;

  constructor(base: string, options: TokenOptions = {}) {
    const normalized = normalizeBase(base);
    super([normalized], useDataset(options.dataset));
    this.base = normalized;
  }

  /** When liquidations were being collected, per exchange: tells "none happened" from "not listening". */
  liquidationCoverage(options: { exchange?: string } = {}) {
    return queryLiquidationCoverage(this.dataset, options);
  }

  /** The token_info row (exchanges listing it, first and last candle). */
  async info<A extends ResultShape = "rows">(options: ShapeOption<A> = {}): Promise<InfoResult<A>> {
    const request = checked(options);
    const result = await queryTokenInfo(this.dataset, [this.base], request);
    if (countRows(result) === 0) throw new UnknownTokenError(this.base, { didYouMean: [] });
    return (request.as === "rows" ? (result as TokenInfo[])[0] : result) as InfoResult<A>;
  }

  /** A self-contained HTML tearsheet: candles, returns, drawdown, volatility, funding, open interest. */
  tearsheet(options: TokenTearsheetOptions = {}) {
    return tearsheetForToken(this, options);
  }
}
