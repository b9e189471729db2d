import { loadTemplate } from "@cexdata/sql-templates";
import type { QueryContext } from "./query-context.js";
import { normalizeLimit, normalizeRange } from "./normalize-args.js";
import { planSeries } from "./query-tables.js";
import type { BookDepth, BookDepthOptions } from "./row-types.js";

/**
 * Order book depth of `bases` (one series each, picked as the series methods pick theirs), oldest
 * snapshot first: Binance's archived percentage bands one snapshot a minute, elsewhere the levels of
 * the snapshots scheduled runs took. `limit` keeps the most recent `limit` snapshots.
 */
export async function queryBookDepth(
  ctx: QueryContext,
  bases: readonly string[],
  options: BookDepthOptions = {},
): Promise<BookDepth[]> {
  const plan = await planSeries(ctx, "book_depth", bases, {
    ...options,
    ...normalizeRange(options),
    market: options.market ?? "perp",
  });
  if (!plan) return [];
  const template = loadTemplate("select_book_depth_by_symbol", {
    ...plan.params,
    market: plan.market,
    limit: normalizeLimit(options.limit),
  });
  const rows = await ctx.runTemplate(plan.snapshot, template, [
    { view: "book_depth", table: "book_depth", files: plan.files },
  ]);
  return rows as unknown as BookDepth[];
}
