import type { ArchiveMarket, ArchiveRequest } from "./archive-paths.js";

/**
 * A day Binance never published (binance-public-data issues #304, #440): its daily zips answer 404
 * (klines of every interval, and metrics), and the monthly klines zip of its month exists but lacks
 * that day's rows, so an importer must notice the gap and fill it from REST. Other symbols, markets
 * and days are untouched.
 */
export interface MissingDayDefect {
  readonly market: ArchiveMarket;
  /** Binance market id, e.g. `BTCUSDT`. */
  readonly marketId: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
}

export interface ArchiveDefects {
  readonly missingDays: readonly MissingDayDefect[];
  /**
   * Zip paths (`data/...zip`) whose `.CHECKSUM` names a sha256 that is not the zip's, as after
   * Binance re-issued archives: the zip downloads fine and must be refused.
   */
  readonly badChecksums: readonly string[];
}

/** The defects a simulated archive carries unless told otherwise. */
export const DEFAULT_ARCHIVE_DEFECTS: ArchiveDefects = {
  missingDays: [{ market: "spot", marketId: "BTCUSDT", day: "2024-02-14" }],
  badChecksums: ["data/futures/um/monthly/klines/ETHUSDT/1h/ETHUSDT-1h-2024-03.zip"],
};

export const NO_ARCHIVE_DEFECTS: ArchiveDefects = { missingDays: [], badChecksums: [] };

/** The [startMs, endMs) days of `req`'s market and symbol that are missing. */
export function missingDaysOf(defects: ArchiveDefects, req: ArchiveRequest): Array<[number, number]> {
  return defects.missingDays
    .filter((d) => d.market === req.market && d.marketId === req.marketId)
    .map((d) => Date.parse(`${d.day}T00:00:00Z`))
    .filter((start) => start < req.endMs && start + 86_400_000 > req.startMs)
    .map((start) => [start, start + 86_400_000]);
}
