/** A value a template parameter can be bound to. Lists become DuckDB LIST values. */
export type TemplateValue = string | number | boolean | null | readonly string[];

/** Epoch milliseconds, UTC. */
type EpochMs = number;

interface SeriesParams {
  /** exchanges[i] goes with symbols[i]: one (exchange, symbol) series per index. */
  exchanges: readonly string[];
  symbols: readonly string[];
  /** Inclusive lower bound on ts. */
  start: EpochMs;
  /** Exclusive upper bound on ts. */
  end: EpochMs;
  /** Most recent rows kept per series; null keeps all. */
  limit: number | null;
}

/**
 * The parameters of every template, by name. Kept equal to the `-- params:` header of each .sql
 * file by a test, so a caller gets a type error, not a runtime one, for a missing parameter.
 */
export interface TemplateParams {
  select_ohlcv_by_symbol: SeriesParams & { market: string };
  select_ohlcv_resampled_by_symbol: SeriesParams & {
    market: string;
    bucket_ms: number;
    offset_ms: number;
    source_ms: number;
    partial: boolean;
  };
  select_funding_rates_by_symbol: SeriesParams;
  select_open_interest_by_symbol: SeriesParams;
  select_liquidations_by_symbol: SeriesParams;
  select_token_info_by_base: { bases: readonly string[] };
  select_markets_by_base: { bases: readonly string[] };
  select_series_by_base: { bases: readonly string[]; market: string };
  select_returns_by_symbol: Omit<SeriesParams, "limit"> & { market: string };
  select_rolling_volatility_by_symbol: Omit<SeriesParams, "limit"> & {
    market: string;
    window: number;
    periods_per_year: number;
  };
  select_sma_by_symbol: Omit<SeriesParams, "limit"> & { market: string; window: number };
  select_price_candles_by_symbol: SeriesParams & { bucket_ms: number; offset_ms: number; partial: boolean };
  select_long_short_ratios_by_symbol: SeriesParams;
  select_funding_predictions_by_symbol: SeriesParams;
  select_basis_by_symbol: Omit<SeriesParams, "symbols" | "limit"> & {
    perp_symbols: readonly string[];
    spot_symbols: readonly string[];
    bucket_ms: number;
    offset_ms: number;
  };
  select_universe_by_time: {
    at: EpochMs;
    exchange: string | null;
    market: string | null;
    quote: string | null;
  };
  select_coverage_by_base: {
    bases: readonly string[];
    table_name: string;
    exchange: string | null;
    start: EpochMs;
    end: EpochMs;
  };
  select_book_depth_by_symbol: SeriesParams;
}

export type TemplateName = keyof TemplateParams;
