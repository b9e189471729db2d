import type { DatasetSpec } from "@cexdata/schema";
import { loadTemplate } from "@cexdata/sql-templates";
import type { QueryContext } from "./query-context.js";
import { normalizeBase, normalizeExchange, normalizeRange, normalizeTable } from "./normalize-args.js";
import { checkBasesKnown } from "./resolve-series.js";
import type { Coverage, CoverageOptions } from "./row-types.js";
import { selectFiles } from "./select-files.js";

/** A window in which the liquidation collector was listening to an exchange. */
export interface CoverageWindow {
  readonly exchange: string;
  readonly start: Date;
  readonly end: Date;
}

/**
 * When liquidations were being collected, per exchange, from spec.json: an empty result inside a
 * window means there were none; outside every window it means nobody was listening.
 */
export async function queryLiquidationCoverage(
  dataset: { spec(): Promise<DatasetSpec> },
  options: { exchange?: string } = {},
): Promise<CoverageWindow[]> {
  const exchange = normalizeExchange(options.exchange);
  const spec = await dataset.spec();
  return (spec.tables.liquidations?.coverage ?? [])
    .filter((w) => exchange === undefined || w.exchange === exchange)
    .map((w) => ({ exchange: w.exchange, start: new Date(w.start), end: new Date(w.end) }));
}

/**
 * Daily coverage of the series of `bases` in one table (default `ohlcv_1m`): per exchange, market,
 * symbol and UTC day, the rows due while listed, present and missing, where they came from, whether
 * the market was listed all day, and zero-volume candles printed after a delisting.
 */
export async function queryCoverage(
  ctx: QueryContext,
  input: readonly string[],
  options: CoverageOptions = {},
): Promise<Coverage[]> {
  const bases = [...new Set(input.map(normalizeBase))];
  const table = normalizeTable(options.table ?? "ohlcv_1m");
  const exchange = normalizeExchange(options.exchange) ?? null;
  const range = normalizeRange(options);
  const snapshot = await ctx.readSnapshot();
  checkBasesKnown(snapshot, bases);
  const files = selectFiles(snapshot.spec, "coverage", { bases, ...range });
  const template = loadTemplate("select_coverage_by_base", { bases, table_name: table, exchange, ...range });
  const rows = await ctx.runTemplate(snapshot, template, [{ view: "coverage", table: "coverage", files }]);
  return rows as unknown as Coverage[];
}
