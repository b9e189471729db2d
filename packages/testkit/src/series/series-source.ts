import {
  generateCandles,
  type GenerateCandlesParams,
  type SimCandle,
  type SimInterval,
} from "./generate-candles.js";
import {
  generateFundingRates,
  predictFunding,
  type GenerateSeriesParams,
  type SimFundingPrediction,
  type SimFundingRate,
} from "./generate-funding-rates.js";
import { generateLiquidations, type SimLiquidation } from "./generate-liquidations.js";
import { generateOpenInterest, type SimOpenInterest } from "./generate-open-interest.js";
import {
  derivePriceCandles,
  generateLongShortRatios,
  type PriceKind,
  type SimLongShortRatios,
  type SimPriceCandle,
} from "./generate-derivatives.js";
import { INTERVAL_MS } from "./generate-candles.js";

/** A series served verbatim instead of generated, e.g. recorded real candles. */
export interface RecordedSeries {
  exchange: string;
  symbol: string;
  interval: SimInterval;
  candles: readonly SimCandle[];
}

type Range = Omit<GenerateSeriesParams, "seed">;

/** Where the simulators take their data from: recorded series first, the generator otherwise. */
export interface SeriesSource {
  readonly seed: number;
  candles(p: Omit<GenerateCandlesParams, "seed">): SimCandle[];
  fundingRates(p: Range): SimFundingRate[];
  /** What the exchange predicts at `atMs` for the perpetual's next funding; undefined if not listed. */
  fundingPrediction(p: { exchange: string; symbol: string; atMs: number }): SimFundingPrediction | undefined;
  openInterest(p: Range & { periodMs: number }): SimOpenInterest[];
  liquidations(p: Range): SimLiquidation[];
  /** Mark, index or premium-index candles of a perpetual (derived from its candles). */
  priceCandles(p: Omit<GenerateCandlesParams, "seed"> & { kind: PriceKind }): SimPriceCandle[];
  longShortRatios(p: Range & { periodMs: number }): SimLongShortRatios[];
}

const seriesKey = (exchange: string, symbol: string, interval: string): string =>
  `${exchange}|${symbol}|${interval}`;

export function createSeriesSource(p: { seed: number; recorded?: readonly RecordedSeries[] }): SeriesSource {
  const recorded = new Map(
    (p.recorded ?? []).map((s) => [seriesKey(s.exchange, s.symbol, s.interval), s.candles]),
  );
  const { seed } = p;
  return {
    seed,
    candles(q) {
      const fixed = recorded.get(seriesKey(q.exchange, q.symbol, q.interval));
      if (fixed === undefined) return generateCandles({ ...q, seed });
      const now = q.nowMs ?? Number.POSITIVE_INFINITY;
      return fixed.filter((c) => c.ts >= q.startMs && c.ts < q.endMs && c.ts <= now);
    },
    fundingRates: (q) => generateFundingRates({ ...q, seed }),
    fundingPrediction: (q) => predictFunding({ ...q, seed }),
    openInterest: (q) => generateOpenInterest({ ...q, seed }),
    liquidations: (q) => generateLiquidations({ ...q, seed }),
    priceCandles(q) {
      const { kind, ...range } = q;
      return derivePriceCandles(
        seed,
        q.exchange,
        q.symbol,
        kind,
        this.candles(range),
        INTERVAL_MS[q.interval],
      );
    },
    longShortRatios: (q) => generateLongShortRatios({ ...q, seed }),
  };
}
