import type { ArchiveSymbol } from "./archive-symbol.js";

/** What is read from the archive: klines of one interval, funding rates, or the 5-minute metrics. */
export type ArchiveDataset =
  | { readonly kind: "klines"; readonly interval: "1m" | "1h" | "1d" }
  /** USDⓈ-M reference-price klines: the kline layout under their own folder. */
  | { readonly kind: PriceKlineKind; readonly interval: "1h" }
  | { readonly kind: "fundingRate" }
  | { readonly kind: "metrics" };

export type ArchiveGranularity = "monthly" | "daily";

export type PriceKlineKind = "markPriceKlines" | "indexPriceKlines" | "premiumIndexKlines";

/** Datasets in the kline layout (a folder per interval, `<SYMBOL>-<interval>-<period>.zip`). */
export function isKlineLayout(
  dataset: ArchiveDataset,
): dataset is Extract<ArchiveDataset, { readonly interval: string }> {
  return "interval" in dataset;
}

/** One zip of the archive and the [startMs, endMs) period its rows cover. */
export interface ArchiveFile {
  /** Path under the archive base, e.g. `data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01.zip`. */
  readonly path: string;
  /** The zip's file name, as its `.CHECKSUM` names it. */
  readonly name: string;
  readonly granularity: ArchiveGranularity;
  readonly startMs: number;
  readonly endMs: number;
}

export interface TimeRange {
  readonly startMs: number;
  readonly endMs: number;
}

export const DAY_MS = 86_400_000;

const pad = (n: number): string => String(n).padStart(2, "0");

function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

function periodLabel(granularity: ArchiveGranularity, startMs: number): string {
  const d = new Date(startMs);
  const month = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  return granularity === "monthly" ? month : `${month}-${pad(d.getUTCDate())}`;
}

/** Which granularities Binance publishes for a dataset. */
export function granularitiesOf(dataset: ArchiveDataset): readonly ArchiveGranularity[] {
  if (dataset.kind === "fundingRate") return ["monthly"];
  if (dataset.kind === "metrics") return ["daily"];
  return ["monthly", "daily"];
}

/** The archive file of one period (a month or a day starting at `startMs`). */
export function archiveFile(
  symbol: ArchiveSymbol,
  dataset: ArchiveDataset,
  granularity: ArchiveGranularity,
  startMs: number,
): ArchiveFile {
  const root = symbol.venue === "spot" ? "data/spot" : `data/futures/${symbol.venue}`;
  const label = periodLabel(granularity, startMs);
  const endMs = granularity === "monthly" ? nextMonth(startMs) : startMs + DAY_MS;
  const folder = isKlineLayout(dataset)
    ? `${root}/${granularity}/${dataset.kind}/${symbol.id}/${dataset.interval}`
    : `${root}/${granularity}/${dataset.kind}/${symbol.id}`;
  const name = isKlineLayout(dataset)
    ? `${symbol.id}-${dataset.interval}-${label}.zip`
    : `${symbol.id}-${dataset.kind}-${label}.zip`;
  return { path: `${folder}/${name}`, name, granularity, startMs, endMs };
}

/** The daily files of every day of `range` (whole UTC days), for a dataset published daily. */
export function dailyArchiveFiles(
  symbol: ArchiveSymbol,
  dataset: ArchiveDataset,
  range: TimeRange,
): ArchiveFile[] {
  const out: ArchiveFile[] = [];
  for (let day = Math.floor(range.startMs / DAY_MS) * DAY_MS; day < range.endMs; day += DAY_MS) {
    out.push(archiveFile(symbol, dataset, "daily", day));
  }
  return out;
}

/**
 * The files a range of whole past days implies, without listing the bucket: a monthly zip for
 * every month that ended before the current one, daily zips for the current month. Ranges a
 * dataset has no file for (funding of the current month: Binance publishes it monthly only) come
 * back in `uncovered`, for REST.
 */
export function planArchiveFiles(params: {
  symbol: ArchiveSymbol;
  dataset: ArchiveDataset;
  range: TimeRange;
  nowMs: number;
}): { files: ArchiveFile[]; uncovered: TimeRange[] } {
  const { symbol, dataset, range } = params;
  const kinds = granularitiesOf(dataset);
  const currentMonth = monthStart(params.nowMs);
  const files: ArchiveFile[] = [];
  const uncovered: TimeRange[] = [];
  for (let m = monthStart(range.startMs); m < range.endMs; m = nextMonth(m)) {
    const part = { startMs: Math.max(m, range.startMs), endMs: Math.min(nextMonth(m), range.endMs) };
    if (nextMonth(m) <= currentMonth && kinds.includes("monthly"))
      files.push(archiveFile(symbol, dataset, "monthly", m));
    else if (kinds.includes("daily")) files.push(...dailyArchiveFiles(symbol, dataset, part));
    else uncovered.push(part);
  }
  return { files, uncovered };
}
