import {
  bucketStart,
  INTERVAL_INFO,
  isNativeInterval,
  OHLCV_TABLE_BY_INTERVAL,
  type Market,
  type TableName,
} from "@cexdata/schema";
import { loadTemplate } from "@cexdata/sql-templates";
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
import type {
  Candle,
  FundingRate,
  Liquidation,
  MarketInfo,
  OhlcvOptions,
  OpenInterest,
  SeriesOptions,
  TokenInfo,
} from "./row-types.js";
import { selectFiles } from "./select-files.js";

/** Candles of `bases` in one query: stored intervals directly, others resampled from their source. */
export async function queryOhlcv(
  ctx: QueryContext,
  bases: readonly string[],
  options: OhlcvOptions = {},
): Promise<Candle[]> {
  const interval = normalizeInterval(options.interval);
  const info = INTERVAL_INFO[interval];
  const range = normalizeRange(options);
  // A resampled bucket is read whole: start and end move out to bucket boundaries.
  const start = bucketStart(range.start, interval);
  const end = Math.min(bucketStart(range.end - 1, interval) + info.ms, Date.UTC(2200, 0, 1));
  const table = OHLCV_TABLE_BY_INTERVAL[info.source];
  const plan = await planSeries(ctx, table, bases, { ...options, start, end });
  if (!plan) return [];
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
  const rows = await ctx.runTemplate(plan.snapshot, template, [{ view: "ohlcv", table, files: plan.files }]);
  return rows as unknown as Candle[];
}

export function queryFundingRates(ctx: QueryContext, bases: readonly string[], options: SeriesOptions = {}) {
  return queryPerpTable<FundingRate>(ctx, "funding_rates", bases, options);
}

export function queryOpenInterest(ctx: QueryContext, bases: readonly string[], options: SeriesOptions = {}) {
  return queryPerpTable<OpenInterest>(ctx, "open_interest", bases, options);
}

export function queryLiquidations(ctx: QueryContext, bases: readonly string[], options: SeriesOptions = {}) {
  return queryPerpTable<Liquidation>(ctx, "liquidations", bases, options);
}

/** token_info rows of `bases` (a base the dataset does not hold is an UnknownTokenError). */
export async function queryTokenInfo(ctx: QueryContext, bases: readonly string[]): Promise<TokenInfo[]> {
  return (await queryReference(ctx, "token_info", bases)) as unknown as TokenInfo[];
}

/** exchange_info rows (every market listing the bases). */
export async function queryMarkets(ctx: QueryContext, bases: readonly string[]): Promise<MarketInfo[]> {
  return (await queryReference(ctx, "exchange_info", bases)) as unknown as MarketInfo[];
}

async function queryReference(
  ctx: QueryContext,
  table: "token_info" | "exchange_info",
  input: readonly string[],
) {
  const bases = input.map(normalizeBase);
  const snapshot = await ctx.readSnapshot();
  checkBasesKnown(snapshot, bases);
  const files = selectFiles(snapshot.spec, table);
  const template =
    table === "token_info"
      ? loadTemplate("select_token_info_by_base", { bases })
      : loadTemplate("select_markets_by_base", { bases });
  return ctx.runTemplate(snapshot, template, [{ view: table, table, files }]);
}

async function queryPerpTable<R>(
  ctx: QueryContext,
  table: "funding_rates" | "open_interest" | "liquidations",
  bases: readonly string[],
  options: SeriesOptions,
): Promise<R[]> {
  const plan = await planSeries(ctx, table, bases, {
    ...options,
    ...normalizeRange(options),
    market: "perp",
  });
  if (!plan) return [];
  const params = { ...plan.params, limit: normalizeLimit(options.limit) };
  const template =
    table === "funding_rates"
      ? loadTemplate("select_funding_rates_by_symbol", params)
      : table === "open_interest"
        ? loadTemplate("select_open_interest_by_symbol", params)
        : loadTemplate("select_liquidations_by_symbol", params);
  const rows = await ctx.runTemplate(plan.snapshot, template, [{ view: table, table, files: plan.files }]);
  return rows as unknown as R[];
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
