import {
  computeAtr,
  computeBollingerBands,
  computeCorrelationMatrix,
  computeDrawdown,
  computeMacd,
  computePeriodsPerYear,
  computeReturns,
  computeRollingVolatility,
  computeRollingVwap,
  computeRsi,
  computeVolumeProfile,
  computeVwap,
  selectCloses,
  type Candle,
  type Interval,
  type Series,
} from "@cexdata/client";

/** The indicators `/v1/tokens/{base}/indicators/{name}` computes, each with the client's analytics. */
export const INDICATOR_NAMES = [
  "rsi",
  "macd",
  "bollinger",
  "atr",
  "vwap",
  "returns",
  "volatility",
  "drawdown",
  "correlation",
  "volume-profile",
] as const;
export type IndicatorName = (typeof INDICATOR_NAMES)[number];

export interface IndicatorParams {
  readonly period?: number;
  readonly window?: number;
  readonly bins?: number;
  readonly kind?: "simple" | "log";
}

export interface IndicatorInput {
  readonly candles: readonly Candle[];
  readonly interval: Interval;
  /** Other tokens' candles, by base (correlation only). */
  readonly others?: Readonly<Record<string, readonly Candle[]>>;
  readonly base: string;
}

/** One row per candle: its time and the indicator's values there (null until defined). */
function perCandle(candles: readonly Candle[], columns: Record<string, Series>) {
  return candles.map((c, i) => {
    const row: Record<string, Date | number | null> = { ts: c.ts };
    for (const [name, series] of Object.entries(columns)) row[name] = series[i] ?? null;
    return row;
  });
}

/** The indicator's rows (or, for correlation and volume profile, its one result object). */
export function computeIndicator(name: IndicatorName, input: IndicatorInput, p: IndicatorParams): unknown {
  const { candles } = input;
  const closes = candles.map((c) => c.close);
  switch (name) {
    case "rsi":
      return perCandle(candles, { value: computeRsi(closes, p.period ?? 14) });
    case "macd": {
      const m = computeMacd(closes);
      return perCandle(candles, { macd: m.macd, signal: m.signal, histogram: m.histogram });
    }
    case "bollinger": {
      const b = computeBollingerBands(closes, { period: p.period ?? 20 });
      return perCandle(candles, { middle: b.middle, upper: b.upper, lower: b.lower });
    }
    case "atr":
      return perCandle(candles, { value: computeAtr(candles, p.period ?? 14) });
    case "vwap":
      return perCandle(candles, {
        value: p.window === undefined ? computeVwap(candles) : computeRollingVwap(candles, p.window),
      });
    case "returns":
      return perCandle(candles, { value: computeReturns(closes, p.kind ?? "simple") });
    case "volatility": {
      const returns = computeReturns(closes, "log");
      const perYear = computePeriodsPerYear(input.interval);
      return perCandle(candles, { value: computeRollingVolatility(returns, p.window ?? 20, perYear) });
    }
    case "drawdown":
      return perCandle(candles, { value: computeDrawdown(closes) });
    case "correlation": {
      const series: Record<string, ReturnType<typeof selectCloses>> = { [input.base]: selectCloses(candles) };
      for (const [base, rows] of Object.entries(input.others ?? {})) series[base] = selectCloses(rows);
      return computeCorrelationMatrix(series, { returns: p.kind ?? "simple" });
    }
    case "volume-profile":
      return computeVolumeProfile(candles, { bins: p.bins ?? 24 });
  }
}
