import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parsePartitionPath, type DatasetSpec } from "@cexdata/schema";
import type { SimCandle } from "@cexdata/testkit";

/** The stored candles of one series, oldest first, as the simulator's candle shape. */
export async function readStoredCandles(
  conn: DuckDBConnection,
  dir: string,
  spec: DatasetSpec | null,
  table: "ohlcv_1m" | "ohlcv_1h" | "ohlcv_1d",
  series: { market: string; symbol: string },
): Promise<SimCandle[]> {
  const base = series.symbol.split("/")[0];
  const files = (spec?.tables[table]?.files ?? [])
    .filter((f) => parsePartitionPath(f.path)?.base === base)
    .map((f) => `'${path.join(dir, f.path)}'`);
  if (files.length === 0) return [];
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(ts)::DOUBLE, open, high, low, close, volume, quote_volume, trades::DOUBLE
     FROM read_parquet([${files.join(", ")}]) WHERE exchange = 'binance' AND market = $market AND symbol = $symbol
     ORDER BY ts`,
    { market: series.market, symbol: series.symbol },
  );
  return (reader.getRows() as number[][]).map(
    ([ts, open, high, low, close, volume, quoteVolume, trades]) => ({
      ts: ts!,
      open: open!,
      high: high!,
      low: low!,
      close: close!,
      volume: volume!,
      quoteVolume: quoteVolume!,
      trades: trades!,
    }),
  );
}

/** Compares candles within float-formatting tolerance; returns the first difference, or null. */
export function firstDifference(actual: readonly SimCandle[], expected: readonly SimCandle[]): string | null {
  if (actual.length !== expected.length) return `${actual.length} candles, expected ${expected.length}`;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    for (const k of ["ts", "open", "high", "low", "close", "volume", "quoteVolume", "trades"] as const) {
      if (!close(a[k], e[k])) return `${new Date(e.ts).toISOString()} ${k}: ${a[k]} != ${e[k]}`;
    }
  }
  return null;
}
