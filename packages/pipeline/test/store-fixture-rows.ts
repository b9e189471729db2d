import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FundingRateRow, OhlcvRow } from "@cexdata/schema";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "store");

/** Real Binance spot BTC/USDT 1m klines (recorded 2021-10-22) as schema rows. */
export async function loadBinanceSpotRows(): Promise<OhlcvRow[]> {
  const klines = JSON.parse(await readFile(path.join(FIXTURES, "binance-spot-klines-1m.json"), "utf8")) as [
    number,
    string,
    string,
    string,
    string,
    string,
    number,
    string,
    number,
    ...unknown[],
  ][];
  return klines.map((k) => ({
    exchange: "binance",
    market: "spot",
    symbol: "BTC/USDT",
    ts: k[0],
    base: "BTC",
    quote: "USDT",
    open: Number(k[1]),
    high: Number(k[2]),
    low: Number(k[3]),
    close: Number(k[4]),
    volume: Number(k[5]),
    quote_volume: Number(k[7]),
    trades: k[8],
    taker_buy_volume: Number(k[9]),
    taker_buy_quote_volume: Number(k[10]),
  }));
}

/** Real Binance USDⓈ-M XRP/USDT:USDT 1h candles (freqtrade, Nov 2021) as schema rows (no quote volume, no trades). */
export async function loadFreqtradePerpRows(): Promise<OhlcvRow[]> {
  const candles = JSON.parse(
    await readFile(path.join(FIXTURES, "freqtrade-xrp-usdt-usdt-1h.json"), "utf8"),
  ) as [number, number, number, number, number, number][];
  return candles.map(([ts, open, high, low, close, volume]) => ({
    exchange: "binance",
    market: "perp",
    symbol: "XRP/USDT:USDT",
    ts,
    base: "XRP",
    quote: "USDT",
    open,
    high,
    low,
    close,
    volume,
    quote_volume: null,
    trades: null,
    taker_buy_volume: null,
    taker_buy_quote_volume: null,
  }));
}

/** Real Binance XRP funding (freqtrade, 8h, times a few ms past the hour) as schema rows. */
export async function loadFreqtradeFundingRows(): Promise<FundingRateRow[]> {
  const rows = JSON.parse(await readFile(path.join(FIXTURES, "freqtrade-xrp-funding-8h.json"), "utf8")) as [
    number,
    number,
    ...number[],
  ][];
  return rows.map(([ts, rate]) => ({
    exchange: "binance",
    symbol: "XRP/USDT:USDT",
    ts,
    base: "XRP",
    quote: "USDT",
    funding_rate: rate,
    mark_price: null,
    interval_hours: 8,
  }));
}

/** Synthetic but valid 1m candles of one series, `count` from `startMs`. */
export function makeOhlcvRows(count: number, startMs: number, overrides: Partial<OhlcvRow> = {}): OhlcvRow[] {
  const rows: OhlcvRow[] = [];
  for (let i = 0; i < count; i++) {
    const open = 100 + (i % 17);
    rows.push({
      exchange: "binance",
      market: "spot",
      symbol: "BTC/USDT",
      ts: startMs + i * 60_000,
      base: "BTC",
      quote: "USDT",
      open,
      high: open + 2,
      low: open - 1,
      close: open + 1,
      volume: i % 11,
      quote_volume: (i % 11) * open,
      trades: i % 7,
      taker_buy_volume: (i % 11) / 2,
      taker_buy_quote_volume: ((i % 11) / 2) * open,
      ...overrides,
    });
  }
  return rows;
}

export async function makeTempDir(prefix = "cexdata-store-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** A clock well after every fixture, so all their candles are closed. */
export const LATER = Date.UTC(2025, 0, 1);
