import { readFileSync } from "node:fs";
import type { SimCandle, SimInterval } from "./generate-candles.js";
import type { RecordedSeries } from "./series-source.js";

export class SeriesFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SeriesFormatError";
  }
}

function toCandle(row: unknown, index: number): SimCandle {
  if (!Array.isArray(row) || row.length < 6)
    throw new SeriesFormatError(`row ${index} is not [ts, o, h, l, c, v, ...]`);
  const n = row.map(Number);
  const [ts = NaN, open = NaN, high = NaN, low = NaN, close = NaN, volume = NaN] = n;
  if (n.slice(0, 6).some((x) => !Number.isFinite(x)))
    throw new SeriesFormatError(`row ${index} has a non-numeric field`);
  return { ts, open, high, low, close, volume, quoteVolume: n[6] ?? volume * close, trades: n[7] ?? 0 };
}

/**
 * Candles for a recorded series from rows in ccxt's OHLCV shape `[ts, open, high, low, close,
 * volume]` (optionally quoteVolume, trades): an array, or a JSON file of one (freqtrade's files).
 */
export function loadSeries(p: {
  exchange: string;
  symbol: string;
  interval: SimInterval;
  rows?: readonly unknown[];
  file?: string;
}): RecordedSeries {
  const rows: unknown = p.rows ?? (p.file === undefined ? [] : JSON.parse(readFileSync(p.file, "utf8")));
  if (!Array.isArray(rows)) throw new SeriesFormatError("expected an array of OHLCV rows");
  const candles = rows.map(toCandle).sort((a, b) => a.ts - b.ts);
  return { exchange: p.exchange, symbol: p.symbol, interval: p.interval, candles };
}
