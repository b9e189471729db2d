import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parsePartitionPath, type DatasetSpec, type Market } from "@cexdata/schema";
import type { ExchangeAdapter } from "../exchanges/types.js";
import { quoteSqlString } from "../store/index.js";

const DAY_MS = 86_400_000;
/** The window volume is summed over. */
export const TOP_VOLUME_WINDOW_MS = 30 * DAY_MS;
/** Candle tables read for volume, coarsest first: the first one holding anything in the window wins. */
const VOLUME_TABLES = ["ohlcv_1d", "ohlcv_1h", "ohlcv_1m"] as const;

/**
 * The `n` bases for `top: N`: those listed now on a configured exchange (spot or perp), ranked by
 * the quote volume of their stored candles over the last 30 days, summed over exchanges and markets
 * (`quote_volume`, or volume * close where an exchange gives none). Bases with nothing stored in
 * the window (a first run) follow, by how many exchanges list them. Ties: alphabetical.
 */
export async function topBasesByVolume(p: {
  conn: DuckDBConnection;
  dir: string;
  spec: DatasetSpec | null;
  adapters: readonly ExchangeAdapter[];
  markets: readonly Market[];
  n: number;
  nowMs: number;
}): Promise<string[]> {
  const listedOn = new Map<string, number>();
  for (const adapter of p.adapters) {
    const bases = new Set<string>();
    for (const market of p.markets) {
      for (const s of adapter.symbols(market)) {
        const [base] = s.split("/");
        if (base && adapter.symbolFor(base, market) === s) bases.add(base);
      }
    }
    for (const b of bases) listedOn.set(b, (listedOn.get(b) ?? 0) + 1);
  }
  const volume = await storedQuoteVolume(p.conn, p.dir, p.spec, p.nowMs - TOP_VOLUME_WINDOW_MS, p.nowMs);
  return [...listedOn.keys()]
    .sort(
      (a, b) =>
        (volume.get(b) ?? -1) - (volume.get(a) ?? -1) ||
        listedOn.get(b)! - listedOn.get(a)! ||
        a.localeCompare(b),
    )
    .slice(0, p.n);
}

/** Quote volume per base in [startMs, endMs) from the coarsest candle table with rows there. */
async function storedQuoteVolume(
  conn: DuckDBConnection,
  dir: string,
  spec: DatasetSpec | null,
  startMs: number,
  endMs: number,
): Promise<Map<string, number>> {
  for (const table of VOLUME_TABLES) {
    const files = (spec?.tables[table]?.files ?? []).filter(
      (f) =>
        f.rows > 0 &&
        f.max_ts !== null &&
        Date.parse(f.max_ts) >= startMs &&
        parsePartitionPath(f.path)?.base !== undefined,
    );
    if (files.length === 0) continue;
    const list = files.map((f) => quoteSqlString(path.join(dir, f.path))).join(", ");
    const reader = await conn.runAndReadAll(
      `SELECT base, sum(coalesce(quote_volume, volume * close))::DOUBLE FROM read_parquet([${list}]) ` +
        `WHERE ts >= epoch_ms($start::BIGINT) AND ts < epoch_ms($end::BIGINT) GROUP BY base`,
      { start: startMs, end: endMs },
    );
    const out = new Map<string, number>();
    for (const [base, sum] of reader.getRows()) {
      if (typeof base === "string" && typeof sum === "number") out.set(base, sum);
    }
    if (out.size > 0) return out;
  }
  return new Map();
}
