import { BINANCE_SPOT_SYMBOLS, BINANCE_USDM_SYMBOLS } from "../exchanges/binance-markets.js";
import {
  INTERVAL_MS,
  LISTING_LIFECYCLE,
  modelSymbol,
  type SeriesSource,
  type SimCandle,
} from "../series/index.js";
import { BOOK_DEPTH_HEADER, bookDepthLines } from "./archive-book-depth.js";
import { missingDaysOf, type ArchiveDefects } from "./archive-defects.js";
import type { ArchiveRequest } from "./archive-paths.js";

/** Spot kline files carry microsecond timestamps from this day on (binance-public-data README, issue #386). */
export const SPOT_MICROSECONDS_FROM_MS = Date.UTC(2025, 0, 1);
/** Futures kline files carry a header row from this month on, none before (binance-public-data issue #246). */
export const FUTURES_KLINE_HEADER_FROM_MS = Date.UTC(2022, 4, 1);

export const KLINE_HEADER =
  "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore";
export const FUNDING_RATE_HEADER = "calc_time,funding_interval_hours,last_funding_rate";
export const METRICS_HEADER =
  "create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio," +
  "sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio";

const METRICS_PERIOD_MS = 300_000;

/**
 * The ccxt symbol the exchange simulator serves a Binance market id under, so archive and REST agree.
 * The archive keeps delisted symbols and the lifecycle scenario's markets: Binance never deletes a
 * delisted symbol's files.
 */
export function simulatedSymbolOf(req: Pick<ArchiveRequest, "market" | "marketId">): string | undefined {
  if (req.market === "spot") return BINANCE_SPOT_SYMBOLS[req.marketId];
  return (
    BINANCE_USDM_SYMBOLS[req.marketId] ??
    (LISTING_LIFECYCLE.usdm as Readonly<Record<string, string>>)[req.marketId]
  );
}

/**
 * The CSV inside the zip `req` names, or null when Binance would not have published it (unknown
 * symbol, not listed during the period, a missing day). Lines end with "\n", the last one included.
 */
export function buildArchiveCsv(
  series: SeriesSource,
  defects: ArchiveDefects,
  req: ArchiveRequest,
): string | null {
  const symbol = simulatedSymbolOf(req);
  if (symbol === undefined) return null;
  const gaps = missingDaysOf(defects, req);
  if (req.granularity === "daily" && gaps.length > 0) return null;
  const outsideGaps = (ts: number) => !gaps.some(([start, end]) => ts >= start && ts < end);
  const range = { exchange: "binance", symbol, startMs: req.startMs, endMs: req.endMs };
  const lines: string[] = [];
  if (req.dataset === "klines") {
    const interval = req.interval ?? "1m";
    const candles = series.candles({ ...range, interval }).filter((c) => outsideGaps(c.ts));
    if (candles.length === 0) return null;
    const model = modelSymbol(series.seed, "binance", symbol);
    const spot = req.market === "spot";
    if (!spot && req.startMs >= FUTURES_KLINE_HEADER_FROM_MS) lines.push(KLINE_HEADER);
    const micros = spot && req.startMs >= SPOT_MICROSECONDS_FROM_MS;
    for (const c of candles) lines.push(klineLine(c, INTERVAL_MS[interval], spot, micros, model));
  } else if (req.dataset === "fundingRate") {
    const rates = series.fundingRates(range).filter((r) => outsideGaps(r.ts));
    if (rates.length === 0) return null;
    lines.push(FUNDING_RATE_HEADER);
    for (const r of rates) lines.push(`${r.ts},${r.intervalHours},${r.fundingRate.toFixed(8)}`);
  } else if (req.dataset === "bookDepth") {
    const rows = bookDepthLines(series, range);
    if (rows.length === 0) return null;
    lines.push(BOOK_DEPTH_HEADER, ...rows);
  } else {
    const samples = series.openInterest({ ...range, periodMs: METRICS_PERIOD_MS });
    if (samples.length === 0) return null;
    lines.push(METRICS_HEADER);
    for (const s of samples) {
      // Ratios are not part of the dataset; plausible values keep the columns realistic.
      const wobble = 1 + 0.25 * Math.sin(s.ts / 7_200_000);
      const createTime = new Date(s.ts).toISOString().slice(0, 19).replace("T", " ");
      lines.push(
        [
          createTime,
          req.marketId,
          s.openInterest.toFixed(8),
          s.openInterestValue.toFixed(8),
          (wobble * 1.1).toFixed(10),
          (wobble * 1.3).toFixed(10),
          (wobble * 0.9).toFixed(10),
          (2 - wobble).toFixed(10),
        ].join(","),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One kline row, numbers written as the exchange simulator's REST klines write them (8 decimals on
 * spot; the symbol's tick and step on futures), times in ms, or µs in spot files from 2025.
 */
function klineLine(
  c: SimCandle,
  intervalMs: number,
  spot: boolean,
  micros: boolean,
  model: { priceDecimals: number; volumeDecimals: number },
): string {
  const [p, v, q] = spot
    ? [8, 8, 8]
    : [model.priceDecimals, model.volumeDecimals, Math.min(8, model.priceDecimals + model.volumeDecimals)];
  const open = micros ? c.ts * 1000 : c.ts;
  const close = micros ? (c.ts + intervalMs) * 1000 - 1 : c.ts + intervalMs - 1;
  return [
    open,
    c.open.toFixed(p),
    c.high.toFixed(p),
    c.low.toFixed(p),
    c.close.toFixed(p),
    c.volume.toFixed(v),
    close,
    c.quoteVolume.toFixed(q),
    c.trades,
    (c.volume / 2).toFixed(v),
    (c.quoteVolume / 2).toFixed(q),
    0,
  ].join(",");
}
