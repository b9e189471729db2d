import { isListedAt, modelSymbol, priceAt, type SeriesSource } from "../series/index.js";
import { roundTo, unitAt } from "../series/hash.js";

export const BOOK_DEPTH_HEADER = "timestamp,percentage,depth,notional";

/** One snapshot every 30 s (binance-public-data issue #496: "2,880 snapshots (30 s cadence)" a day). */
const SNAPSHOT_MS = 30_000;
/** Bands around the mid, bids negative (issue #447: "-5%, -4%, …, 4%, 5%"), in file order. */
const BANDS = [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5] as const;

/** `YYYY-MM-DD HH:MM:SS`, UTC, seconds: the archive's timestamp (issue #381). */
function formatSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Rows of a daily bookDepth file for [startMs, endMs): per snapshot the cumulative depth (base) and
 * notional (quote) within each band of the mid, growing with the band, written as the real file
 * writes them (8 decimals). Snapshots are a few seconds off the 30 s grid, as recorded ones are
 * (`11:07:31`). Only while the symbol trades: a delisted book has no depth.
 */
export function bookDepthLines(
  series: SeriesSource,
  range: { exchange: string; symbol: string; startMs: number; endMs: number },
): string[] {
  const model = modelSymbol(series.seed, range.exchange, range.symbol);
  const lines: string[] = [];
  for (let slot = range.startMs; slot < range.endMs; slot += SNAPSHOT_MS) {
    const ts = slot + Math.floor(unitAt(model.seriesKey ^ 0xb00c, slot / SNAPSHOT_MS) * 10) * 1000;
    if (!isListedAt(range.exchange, range.symbol, ts)) continue;
    const mid = priceAt(model, ts);
    let depth = 0;
    let notional = 0;
    const sides = new Map<number, [number, number]>();
    for (const side of [-1, 1]) {
      depth = 0;
      notional = 0;
      for (let k = 1; k <= 5; k++) {
        const add =
          model.minuteVolume * (2 + 6 * unitAt(model.seriesKey ^ (0xd0 + side * 8 + k), slot / SNAPSHOT_MS));
        depth += add;
        notional += add * mid * (1 + (side * (k - 0.5)) / 100);
        sides.set(side * k, [roundTo(depth, 8), roundTo(notional, 8)]);
      }
    }
    for (const band of BANDS) {
      const [d, n] = sides.get(band) ?? [0, 0];
      lines.push(`${formatSeconds(ts)},${band},${d.toFixed(8)},${n.toFixed(8)}`);
    }
  }
  return lines;
}
