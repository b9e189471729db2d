import type { SimInterval } from "../series/index.js";

export type ArchiveMarket = "spot" | "um";
export type ArchiveGranularity = "monthly" | "daily";
export type ArchiveDataset =
  | "klines"
  | "markPriceKlines"
  | "indexPriceKlines"
  | "premiumIndexKlines"
  | "fundingRate"
  | "metrics"
  | "bookDepth";

/** The kline-shaped datasets: a folder per interval, the kline CSV layout. */
export const KLINE_DATASETS = [
  "klines",
  "markPriceKlines",
  "indexPriceKlines",
  "premiumIndexKlines",
] as const;

/** What a data.binance.vision URL asks for. */
export interface ArchiveRequest {
  readonly market: ArchiveMarket;
  readonly granularity: ArchiveGranularity;
  readonly dataset: ArchiveDataset;
  /** Binance market id, e.g. `BTCUSDT`. */
  readonly marketId: string;
  readonly interval?: SimInterval;
  /** [startMs, endMs) covered by the file: a UTC month or day. */
  readonly startMs: number;
  readonly endMs: number;
  /** The zip's name, e.g. `BTCUSDT-1m-2024-01.zip`; the CHECKSUM file names it. */
  readonly zipName: string;
  /** The path of the zip under the base URL, without a leading slash. */
  readonly zipPath: string;
  readonly checksum: boolean;
}

const INTERVALS: readonly string[] = ["1m", "1h", "1d"];
const PERIOD = String.raw`(\d{4})-(\d{2})(?:-(\d{2}))?`;
const KLINES = new RegExp(
  String.raw`^data/(spot|futures/um)/(monthly|daily)/klines/([A-Z0-9]+)/([0-9a-z]+)/\3-\4-${PERIOD}\.zip(\.CHECKSUM)?$`,
);
/** Mark, index and premium-index klines: USDⓈ-M only, the klines' layout under their own folder. */
const priceKlines = (dataset: string) =>
  new RegExp(
    String.raw`^data/futures/(um)/(monthly|daily)/${dataset}/([A-Z0-9]+)/([0-9a-z]+)/\3-\4-${PERIOD}\.zip(\.CHECKSUM)?$`,
  );
const FUNDING = new RegExp(
  String.raw`^data/futures/(um)/(monthly)/fundingRate/([A-Z0-9]+)/\3-fundingRate-${PERIOD}\.zip(\.CHECKSUM)?$`,
);
const METRICS = new RegExp(
  String.raw`^data/futures/(um)/(daily)/metrics/([A-Z0-9]+)/\3-metrics-${PERIOD}\.zip(\.CHECKSUM)?$`,
);

const BOOK_DEPTH = new RegExp(
  String.raw`^data/futures/(um)/(daily)/bookDepth/([A-Z0-9]+)/\3-bookDepth-${PERIOD}\.zip(\.CHECKSUM)?$`,
);

/**
 * Parses `data/...` paths in the layout of data.binance.vision; null for anything the simulated
 * archive does not hold (other datasets, intervals other than 1m/1h/1d, a period that does not
 * match the granularity).
 */
export function parseArchivePath(path: string): ArchiveRequest | null {
  for (const [dataset, re] of [
    ["klines", KLINES],
    ["markPriceKlines", priceKlines("markPriceKlines")],
    ["indexPriceKlines", priceKlines("indexPriceKlines")],
    ["premiumIndexKlines", priceKlines("premiumIndexKlines")],
    ["fundingRate", FUNDING],
    ["metrics", METRICS],
    ["bookDepth", BOOK_DEPTH],
  ] as const) {
    const m = re.exec(path);
    if (!m) continue;
    const hasInterval = (KLINE_DATASETS as readonly string[]).includes(dataset);
    const [market, granularity, marketId] = [m[1], m[2], m[3]];
    const interval = hasInterval ? m[4] : undefined;
    const [year, month, day, checksum] = hasInterval ? [m[5], m[6], m[7], m[8]] : [m[4], m[5], m[6], m[7]];
    if (interval !== undefined && !INTERVALS.includes(interval)) return null;
    if ((granularity === "daily") !== (day !== undefined)) return null;
    const startMs = Date.UTC(Number(year), Number(month) - 1, day === undefined ? 1 : Number(day));
    const endMs = day === undefined ? Date.UTC(Number(year), Number(month), 1) : startMs + 86_400_000;
    if (new Date(startMs).getUTCMonth() !== Number(month) - 1) return null;
    const zipPath = checksum ? path.slice(0, -".CHECKSUM".length) : path;
    return {
      market: market === "spot" ? "spot" : "um",
      granularity: granularity as ArchiveGranularity,
      dataset,
      marketId: marketId!,
      ...(interval !== undefined && { interval: interval as SimInterval }),
      startMs,
      endMs,
      zipName: zipPath.slice(zipPath.lastIndexOf("/") + 1),
      zipPath,
      checksum: checksum !== undefined,
    };
  }
  return null;
}
