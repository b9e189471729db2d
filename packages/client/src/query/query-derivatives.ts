import { bucketStart, INTERVAL_INFO, type Interval } from "@cexdata/schema";
import { loadTemplate } from "@cexdata/sql-templates";
import { InvalidArgumentError } from "../errors/index.js";
import { normalizeInterval, normalizeLimit, normalizeRange } from "./normalize-args.js";
import type { QueryContext } from "./query-context.js";
import { planSeries } from "./query-tables.js";
import type { ResultShape, ShapedResult } from "../duckdb/run-query.js";
import { emptyResult } from "./empty-result.js";
import type { BasisOptions, BasisRow, PriceCandleOptions, SeriesOptions } from "./row-types.js";
import { selectFiles } from "./select-files.js";

/** The intervals of the hourly derivatives tables: stored (1h) or built from it. */
export const DERIVATIVE_INTERVALS = ["1h", "4h", "12h", "1d", "1w"] as const satisfies readonly Interval[];

function hourlyInterval(input: unknown): Interval {
  const interval = normalizeInterval(input ?? "1h");
  if (!(DERIVATIVE_INTERVALS as readonly string[]).includes(interval)) {
    throw new InvalidArgumentError(
      `invalid interval ${JSON.stringify(interval)}: these series are hourly; use one of ${DERIVATIVE_INTERVALS.join(", ")}`,
      { argument: "interval", value: input },
    );
  }
  return interval;
}

/** The range moved out to whole buckets of `interval`. */
function bucketRange(options: SeriesOptions, interval: Interval) {
  const range = normalizeRange(options);
  const { ms } = INTERVAL_INFO[interval];
  return {
    start: bucketStart(range.start, interval),
    end: Math.min(bucketStart(range.end - 1, interval) + ms, Date.UTC(2200, 0, 1)),
  };
}

/** Mark, index or premium-index candles of perpetuals: 1h as stored, or 4h/12h/1d/1w built from it. */
export async function queryPriceCandles(
  ctx: QueryContext,
  table: "mark_ohlcv_1h" | "index_ohlcv_1h" | "premium_index_ohlcv_1h",
  bases: readonly string[],
  options: PriceCandleOptions & { as?: ResultShape } = {},
): Promise<ShapedResult> {
  const interval = hourlyInterval(options.interval);
  const plan = await planSeries(ctx, table, bases, {
    ...options,
    ...bucketRange(options, interval),
    market: "perp",
  });
  if (!plan) return emptyResult(table, options.as);
  const info = INTERVAL_INFO[interval];
  const template = loadTemplate("select_price_candles_by_symbol", {
    ...plan.params,
    limit: normalizeLimit(options.limit),
    bucket_ms: info.ms,
    offset_ms: info.offsetMs,
    partial: options.partial === true,
  });
  return ctx.runTemplate(
    plan.snapshot,
    template,
    [{ view: "candles", table, files: plan.files }],
    options.as,
  );
}

/**
 * Basis of perpetuals at the end of each bucket: the contract's close (ohlcv_1h, perp) against its
 * index close (index_ohlcv_1h) and against the same exchange's spot close (ohlcv_1h, spot).
 */
export async function queryBasis(
  ctx: QueryContext,
  bases: readonly string[],
  options: BasisOptions = {},
): Promise<BasisRow[]> {
  const interval = hourlyInterval(options.interval);
  const range = bucketRange(options, interval);
  const plan = await planSeries(ctx, "ohlcv_1h", bases, { ...options, ...range, market: "perp" });
  if (!plan) return [];
  const info = INTERVAL_INFO[interval];
  const template = loadTemplate("select_basis_by_symbol", {
    exchanges: plan.params.exchanges,
    perp_symbols: plan.params.symbols,
    // The spot market of a perpetual's pair: BTC/USDT:USDT -> BTC/USDT.
    spot_symbols: plan.params.symbols.map((s) => s.split(":")[0]!),
    start: range.start,
    end: range.end,
    bucket_ms: info.ms,
    offset_ms: info.offsetMs,
  });
  const index = selectFiles(plan.snapshot.spec, "index_ohlcv_1h", { bases, ...range });
  const rows = await ctx.runTemplate(plan.snapshot, template, [
    { view: "perp", table: "ohlcv_1h", files: plan.files },
    { view: "spot", table: "ohlcv_1h", files: plan.files },
    { view: "idx", table: "index_ohlcv_1h", files: index },
  ]);
  return rows as unknown as BasisRow[];
}
