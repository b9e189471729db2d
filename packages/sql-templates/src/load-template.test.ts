import { describe, expect, it } from "vitest";
import {
  findCloseMatches,
  listTemplates,
  loadTemplate,
  parseTemplate,
  sqlTemplate,
  TemplateError,
  type TemplateName,
  type TemplateParams,
} from "./index.js";

// The parameters most templates share: which series, and the time range.
const SERIES_RANGE = ["exchanges", "symbols", "start", "end"] as const;
const SPOT_AND_PERP_RANGE = ["exchanges", "symbols", "market", "start", "end"] as const;
const RESAMPLED = ["bucket_ms", "offset_ms"] as const;

// Type-checked against TemplateParams: a template whose header drifts from its type fails here.
const DECLARED: { [N in TemplateName]: (keyof TemplateParams[N])[] } = {
  select_ohlcv_by_symbol: [...SPOT_AND_PERP_RANGE, "limit"],
  select_ohlcv_resampled_by_symbol: [...SPOT_AND_PERP_RANGE, "limit", ...RESAMPLED, "source_ms", "partial"],
  select_funding_rates_by_symbol: [...SERIES_RANGE, "limit"],
  select_open_interest_by_symbol: [...SERIES_RANGE, "limit"],
  select_liquidations_by_symbol: [...SERIES_RANGE, "limit"],
  select_token_info_by_base: ["bases"],
  select_markets_by_base: ["bases"],
  select_series_by_base: ["bases", "market"],
  select_returns_by_symbol: [...SPOT_AND_PERP_RANGE],
  select_rolling_volatility_by_symbol: [...SPOT_AND_PERP_RANGE, "window", "periods_per_year"],
  select_sma_by_symbol: [...SPOT_AND_PERP_RANGE, "window"],
  select_price_candles_by_symbol: [...SERIES_RANGE, "limit", ...RESAMPLED, "partial"],
  select_long_short_ratios_by_symbol: [...SERIES_RANGE, "limit"],
  select_funding_predictions_by_symbol: [...SERIES_RANGE, "limit"],
  select_basis_by_symbol: ["exchanges", "perp_symbols", "spot_symbols", "start", "end", ...RESAMPLED],
  select_universe_by_time: ["at", "exchange", "market", "quote"],
  select_coverage_by_base: ["bases", "table_name", "exchange", "start", "end"],
  select_book_depth_by_symbol: [...SERIES_RANGE, "limit"],
};

const ohlcvParams = {
  exchanges: ["binance"],
  symbols: ["BTC/USDT"],
  market: "spot",
  start: 0,
  end: 1,
  limit: null,
};

describe("sql templates", () => {
  it("ships one file per typed template, named select_<what>_by_<key>", () => {
    expect(listTemplates()).toEqual(Object.keys(DECLARED).sort());
    for (const name of listTemplates()) expect(name).toMatch(/^select_[a-z_]+_by_[a-z]+$/);
  });

  it("declares exactly the parameters its type names", () => {
    for (const [name, params] of Object.entries(DECLARED)) {
      expect([...sqlTemplate(name).params].sort(), name).toEqual([...params].sort());
    }
  });

  it("reads only views and aliases every output column to camelCase", () => {
    for (const name of listTemplates()) {
      const { sql, views } = sqlTemplate(name);
      expect(views.length, name).toBeGreaterThan(0);
      expect(sql, name).not.toMatch(/read_parquet|'\/|https?:/);
      for (const alias of sql.matchAll(/ AS "([^"]+)"/g)) expect(alias[1]).toMatch(/^[a-z][A-Za-z]*$/);
    }
  });

  it("binds the declared parameters", () => {
    const bound = loadTemplate("select_ohlcv_by_symbol", ohlcvParams);
    expect(bound.values).toEqual(ohlcvParams);
    expect(bound.views).toEqual(["ohlcv"]);
    expect(bound.sql).toContain("$exchanges");
  });

  it("refuses an unknown name and names the close matches", () => {
    const error = catchError(() => sqlTemplate("select_ohlcv_by_symbl"));
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.name).toBe("TemplateError");
    expect(error.reason).toBe("unknown-template");
    expect(error.didYouMean[0]).toBe("select_ohlcv_by_symbol");
    expect(error.message).toContain("did you mean select_ohlcv_by_symbol");
  });

  it("refuses path-like names", () => {
    expect(catchError(() => sqlTemplate("../package")).reason).toBe("unknown-template");
  });

  it("refuses missing parameters, naming them", () => {
    const { limit: _limit, ...withoutLimit } = ohlcvParams;
    const error = catchError(() => loadTemplate("select_ohlcv_by_symbol", withoutLimit as never));
    expect(error.reason).toBe("missing-params");
    expect(error.missing).toEqual(["limit"]);
    expect(error.message).toContain("limit");
  });

  it("refuses extra parameters, naming them", () => {
    const error = catchError(() =>
      loadTemplate("select_token_info_by_base", { bases: ["BTC"], base: "BTC" }),
    );
    expect(error.reason).toBe("extra-params");
    expect(error.extra).toEqual(["base"]);
  });

  it("refuses a template whose header and query disagree", () => {
    const text = "-- params: a, b\n-- views: t\nSELECT * FROM t WHERE x = $a AND y = $c";
    const error = catchError(() => parseTemplate("bad", text));
    expect(error.reason).toBe("malformed-template");
    expect(error.missing).toEqual(["c"]);
    expect(error.extra).toEqual(["b"]);
    expect(catchError(() => parseTemplate("bad", "SELECT 1")).reason).toBe("malformed-template");
  });

  it("finds close matches by edit distance", () => {
    expect(findCloseMatches("BTCC", ["BTC", "ETH", "BCH"])).toEqual(["BTC", "BCH"]);
    expect(findCloseMatches("XYZ123", ["BTC", "ETH"])).toEqual([]);
  });
});

function catchError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("expected a TemplateError");
}
