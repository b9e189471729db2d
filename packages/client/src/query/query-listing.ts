import { loadTemplate } from "@cexdata/sql-templates";
import type { QueryContext } from "./query-context.js";
import { normalizeExchange, normalizeMarket, normalizeQuote, normalizeTime } from "./normalize-args.js";
import type { UniverseOptions } from "./row-types.js";
import { listStoredBases, selectFiles } from "./select-files.js";

/**
 * The bases the dataset holds that were listed at `at` (listed_at <= at < delisted_at) on any
 * exchange, or the one given, of a market type and quote if given: a point-in-time universe,
 * delisted coins included for the time they traded. Sorted; feed it to `new Tokens(...)`.
 */
export async function queryUniverse(ctx: QueryContext, options: UniverseOptions): Promise<string[]> {
  const at = normalizeTime(options.at, "at");
  const template = loadTemplate("select_universe_by_time", {
    at,
    exchange: normalizeExchange(options.exchange) ?? null,
    market: options.market === undefined ? null : normalizeMarket(options.market),
    quote: normalizeQuote(options.quote) ?? null,
  });
  const snapshot = await ctx.readSnapshot();
  const files = selectFiles(snapshot.spec, "exchange_info");
  const rows = await ctx.runTemplate(snapshot, template, [
    { view: "exchange_info", table: "exchange_info", files },
  ]);
  const stored = listStoredBases(snapshot.spec);
  return rows.map((r) => String(r["base"])).filter((base) => stored.has(base));
}
