import type { DatasetSpec } from "@cexdata/schema";
import { normalizeExchange } from "./normalize-args.js";

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
