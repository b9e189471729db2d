import type { Dataset } from "../Dataset.js";
import { InvalidArgumentError } from "../errors.js";

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
  dataset: Dataset,
  options: { exchange?: string } = {},
): Promise<CoverageWindow[]> {
  if (options.exchange !== undefined && !/^[a-z][a-z0-9]{1,31}$/.test(options.exchange)) {
    throw new InvalidArgumentError(
      `exchange must be a ccxt id such as "binance", got ${JSON.stringify(options.exchange)}`,
      { argument: "exchange", value: options.exchange },
    );
  }
  const spec = await dataset.spec();
  return (spec.tables.liquidations?.coverage ?? [])
    .filter((w) => options.exchange === undefined || w.exchange === options.exchange)
    .map((w) => ({ exchange: w.exchange, start: new Date(w.start), end: new Date(w.end) }));
}
