import {
  bucketStart,
  CANDLE_TABLE_BY_INTERVAL,
  INTERVAL_INFO,
  isNativeInterval,
  TABLES,
  type CandleTable,
  type Market,
  type SeriesTable,
  type SnapshotTable,
  type TableName,
} from "@cexdata/schema";
import { loadTemplate, type TemplateName } from "@cexdata/sql-templates";
import type { ResultShape, ShapedResult } from "../duckdb/run-query.js";
import { emptyResult } from "./empty-result.js";
import type { QueryContext } from "./query-context.js";
import {
  normalizeBase,
  normalizeExchange,
  normalizeInterval,
  normalizeLimit,
  normalizeMarket,
  normalizeQuote,
  normalizeRange,
} from "./normalize-args.js";
import { checkBasesKnown, resolveSeries } from "./resolve-series.js";
import type { OhlcvOptions, SeriesOptions } from "./row-types.js";
import { selectFiles } from "./select-files.js";

/** How the caller wants the result (`as`): rows by default, else columns or an Arrow table. */
type Shaped = { as?: ResultShape };

/** Candles of `bases` in one query: stored intervals directly, others resampled from their source. */
export async function queryOhlcv(
  ctx: QueryContext,
  bases: readonly string[],
  options: OhlcvOptions & Shaped = {},
): Promise<ShapedResult> {
  const interval = normalizeInterval(options.interval);
  const info = INTERVAL_INFO[interval];
  const range = normalizeRange(options);
  // A resampled bucket is read whole: start and end move out to bucket boundaries.
  const start = bucketStart(range.start, interval);
  const end = Math.min(bucketStart(range.end - 1, interval) + info.ms, Date.UTC(2200, 0, 1));
  const table = CANDLE_TABLE_BY_INTERVAL[info.source];
  const plan = await planSeries(ctx, table, bases, { ...options, start, end });
  if (!plan) return emptyResult(table, options.as);
  const common = { ...plan.params, market: plan.market, limit: normalizeLimit(options.limit) };
  const template = isNativeInterval(interval)
    ? loadTemplate("select_ohlcv_by_symbol", common)
    : loadTemplate("select_ohlcv_resampled_by_symbol", {
        ...common,
        bucket_ms: info.ms,
        offset_ms: info.offsetMs,
        source_ms: INTERVAL_INFO[info.source].ms,
        partial: options.partial === true,
      });
  return ctx.runTemplate(plan.snapshot, template, [{ view: "ohlcv", table, files: plan.files }], options.as);
}

export function queryFundingRates(
  ctx: QueryContext,
  bases: readonly string[],
  options: SeriesOptions & Shaped = {},
) {
  return queryEventTable(ctx, "funding_rates", bases, options);
}

export function queryOpenInterest(
  ctx: QueryContext,
  bases: readonly string[],
  options: SeriesOptions & Shaped = {},
) {
  return queryEventTable(ctx, "open_interest", bases, options);
}

export function queryLiquidations(
  ctx: QueryContext,
  bases: readonly string[],
  options: SeriesOptions & Shaped = {},
) {
  return queryEventTable(ctx, "liquidations", bases, options);
}

/** token_info rows of `bases` (a base the dataset does not hold is an UnknownTokenError). */
export function queryTokenInfo(ctx: QueryContext, bases: readonly string[], options: Shaped = {}) {
  return queryReference(ctx, "token_info", bases, options);
}

/** exchange_info rows (every market listing the bases). */
export function queryMarkets(ctx: QueryContext, bases: readonly string[], options: Shaped = {}) {
  return queryReference(ctx, "exchange_info", bases, options);
}

/** Snapshot tables read by base alone (coverage, by series and day, has its own query: query-coverage.ts). */
type ReferenceTable = Exclude<SnapshotTable, "coverage">;

/** The template of each snapshot table, by base: a new snapshot table must name one here. */
const SNAPSHOT_TEMPLATES = {
  token_info: "select_token_info_by_base",
  exchange_info: "select_markets_by_base",
} as const satisfies Record<ReferenceTable, TemplateName>;

async function queryReference(
  ctx: QueryContext,
  table: ReferenceTable,
  input: readonly string[],
  options: Shaped,
): Promise<ShapedResult> {
  const bases = input.map(normalizeBase);
  const snapshot = await ctx.readSnapshot();
  checkBasesKnown(snapshot, bases);
  const files = selectFiles(snapshot.spec, table);
  const template = loadTemplate(SNAPSHOT_TEMPLATES[table], { bases });
  return ctx.runTemplate(snapshot, template, [{ view: table, table, files }], options.as);
}

/** Series tables other than candles: funding, open interest, liquidations, and any added later. */
export type EventTable = Exclude<SeriesTable, CandleTable>;

/** The template of an event table's rows by symbol: `select_<table>_by_symbol` (one per table). */
type EventTemplate<T extends EventTable> = Extract<`select_${T}_by_symbol`, TemplateName>;

/**
 * Rows of an event table for `bases`. A table the schema keeps for one market only (perpetuals) is
 * read on that market whatever the options say; others take `options.market` (spot by default).
 */
export async function queryEventTable(
  ctx: QueryContext,
  table: EventTable,
  bases: readonly string[],
  options: SeriesOptions & Shaped & { market?: unknown } = {},
): Promise<ShapedResult> {
  const markets: readonly Market[] = TABLES[table].markets;
  const plan = await planSeries(ctx, table, bases, {
    ...options,
    ...normalizeRange(options),
    market: markets.length === 1 ? markets[0] : options.market,
  });
  if (!plan) return emptyResult(table, options.as);
  const params = { ...plan.params, limit: normalizeLimit(options.limit) };
  const name = `select_${table}_by_symbol` as EventTemplate<EventTable>;
  const template = loadTemplate(name, params);
  return ctx.runTemplate(plan.snapshot, template, [{ view: table, table, files: plan.files }], options.as);
}

/** Validates the arguments, picks the files and the series of each base; null when nothing matches. */
export async function planSeries(
  ctx: QueryContext,
  table: TableName,
  input: readonly string[],
  options: { exchange?: unknown; quote?: unknown; market?: unknown; start: number; end: number },
) {
  const bases = [...new Set(input.map(normalizeBase))];
  const exchange = normalizeExchange(options.exchange);
  const quote = normalizeQuote(options.quote);
  const market: Market = normalizeMarket(options.market);
  const snapshot = await ctx.readSnapshot();
  checkBasesKnown(snapshot, bases);
  const files = selectFiles(snapshot.spec, table, { bases, start: options.start, end: options.end });
  const series = await resolveSeries(ctx, snapshot, { table, files, bases, market, exchange, quote });
  if (series.length === 0) return null;
  const params = {
    exchanges: series.map((s) => s.exchange),
    symbols: series.map((s) => s.symbol),
    start: options.start,
    end: options.end,
  };
  return { snapshot, files, market, params };
}
