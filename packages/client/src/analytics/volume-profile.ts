import type { CandleFields } from "./series.js";

type Bar = Pick<CandleFields, "high" | "low" | "volume">;

export interface VolumeProfileBin {
  /** Inclusive lower price edge. */
  readonly low: number;
  /** Upper price edge (inclusive for the last bin). */
  readonly high: number;
  /** Base volume attributed to this price range. */
  readonly volume: number;
}

export interface VolumeProfile {
  readonly bins: VolumeProfileBin[];
  /** Middle price of the bin with the most volume (the point of control); NaN with no volume. */
  readonly pointOfControl: number;
  /** The narrowest contiguous price range around the point of control holding `valueAreaShare` of the volume. */
  readonly valueAreaLow: number;
  readonly valueAreaHigh: number;
}

export interface VolumeProfileOptions {
  /** Number of equal-width price bins between the lowest low and the highest high. Default 24. */
  readonly bins?: number;
  /** Share of volume the value area holds. Default 0.7. */
  readonly valueAreaShare?: number;
}

/**
 * Volume by price. Candles carry no intra-candle trades, so each candle's volume is spread
 * uniformly over its [low, high] range and split between bins in proportion to the overlap; a
 * candle with high = low puts all its volume in the bin holding that price. The value area grows
 * from the point of control one bin at a time toward the side with more volume (the market-profile convention).
 */
export function computeVolumeProfile(
  candles: readonly Bar[],
  options: VolumeProfileOptions = {},
): VolumeProfile {
  const count = options.bins ?? 24;
  const share = options.valueAreaShare ?? 0.7;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`bins must be a positive integer, got ${count}`);
  if (candles.length === 0) {
    return { bins: [], pointOfControl: Number.NaN, valueAreaLow: Number.NaN, valueAreaHigh: Number.NaN };
  }
  const min = candles.reduce((m, c) => Math.min(m, c.low), Number.POSITIVE_INFINITY);
  const max = candles.reduce((m, c) => Math.max(m, c.high), Number.NEGATIVE_INFINITY);
  const width = (max - min) / count || 1;
  const volumes = new Array<number>(count).fill(0);
  const binOf = (price: number) => Math.min(count - 1, Math.max(0, Math.floor((price - min) / width)));
  for (const c of candles) {
    const span = c.high - c.low;
    if (span <= 0) {
      volumes[binOf(c.low)] = (volumes[binOf(c.low)] as number) + c.volume;
      continue;
    }
    for (let b = binOf(c.low); b <= binOf(c.high); b++) {
      const overlap = Math.min(c.high, min + (b + 1) * width) - Math.max(c.low, min + b * width);
      if (overlap > 0) volumes[b] = (volumes[b] as number) + (c.volume * overlap) / span;
    }
  }
  const bins = volumes.map((volume, b) => ({ low: min + b * width, high: min + (b + 1) * width, volume }));
  const total = volumes.reduce((a, b) => a + b, 0);
  if (!(total > 0))
    return { bins, pointOfControl: Number.NaN, valueAreaLow: Number.NaN, valueAreaHigh: Number.NaN };
  const poc = volumes.indexOf(Math.max(...volumes));
  let lo = poc;
  let hi = poc;
  let held = volumes[poc] as number;
  while (held < share * total && (lo > 0 || hi < count - 1)) {
    const below = lo > 0 ? (volumes[lo - 1] as number) : -1;
    const above = hi < count - 1 ? (volumes[hi + 1] as number) : -1;
    if (above >= below) held += volumes[++hi] as number;
    else held += volumes[--lo] as number;
  }
  const pocBin = bins[poc] as VolumeProfileBin;
  return {
    bins,
    pointOfControl: (pocBin.low + pocBin.high) / 2,
    valueAreaLow: (bins[lo] as VolumeProfileBin).low,
    valueAreaHigh: (bins[hi] as VolumeProfileBin).high,
  };
}
