import { normalizeBase } from "./query/normalize-args.js";
import { queryUniverse } from "./query/query-listing.js";
import { queryTokenInfo } from "./query/query-tables.js";
import type { UniverseOptions } from "./query/row-types.js";
import type { ResultShape, ShapeOption, TableResult } from "./query/result-types.js";
import { useDataset } from "./use-dataset.js";
import type { TokenOptions } from "./Token.js";
import { checked, shaped, TokenQueries } from "./TokenQueries.js";

/** Several tokens answered together: each method runs ONE query for all of them. */
export class Tokens extends TokenQueries {
  readonly bases: readonly string[];

  constructor(bases: readonly string[], options: TokenOptions = {}) {
    const normalized = [...new Set(bases.map(normalizeBase))];
    super(normalized, useDataset(options.dataset));
    this.bases = normalized;
  }

  /**
   * The bases listed at a moment (listed_at <= at < delisted_at), delisted ones included for the
   * time they traded: `new Tokens(await Tokens.universe({ at: "2022-05-01" }))`.
   */
  static universe(options: UniverseOptions & TokenOptions): Promise<string[]> {
    return queryUniverse(useDataset(options.dataset), options);
  }

  /** The token_info rows of the tokens. */
  async info<A extends ResultShape = "rows">(
    options: ShapeOption<A> = {},
  ): Promise<TableResult<"token_info", A>> {
    return shaped<"token_info", A>(queryTokenInfo(this.dataset, this.bases, checked(options)));
  }
}
