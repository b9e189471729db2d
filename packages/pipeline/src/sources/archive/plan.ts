import { parseSymbol, symbolSchema, type TableName } from "@cexdata/schema";
import { BINANCE_ARCHIVED_TABLES, type BinanceArchivedTable } from "../../exchanges/binance.js";
import { ArchiveUnsupportedError } from "./errors.js";

/** The dataset tables the archive fills (Binance's file says which). */
export type ArchiveTable = BinanceArchivedTable;
/** Where a backfill's rows come from: the archive only, REST only, or the archive then REST (default). */
export type BackfillSource = "archive" | "rest" | "auto";
export const BACKFILL_SOURCES: readonly BackfillSource[] = ["archive", "rest", "auto"];

/** The tables the archive publishes: Binance's file declares them. */
export const ARCHIVE_TABLES = BINANCE_ARCHIVED_TABLES;

export function isArchiveTable(table: TableName): table is ArchiveTable {
  return (ARCHIVE_TABLES as readonly string[]).includes(table);
}

export interface BackfillPlan {
  /** Whole UTC days the archive may cover (published the day after). */
  readonly archive: TimeRange[];
  /** What only REST can serve: partial days at the edges, today, tables the archive lacks. */
  readonly rest: TimeRange[];
}

/**
 * Splits [startMs, endMs) into the complete past UTC days the archive can serve and the REST
 * remainder. `rest` sends everything to REST; `archive` and `auto` plan alike (the caller decides
 * whether the remainder is fetched: `archive` leaves it, `auto` fetches it). Only the tables the
 * archive publishes, and only Binance, ever get archive days.
 */
export function planBackfill(params: {
  source: BackfillSource;
  table: TableName;
  exchange?: string;
  startMs: number;
  endMs: number;
  nowMs: number;
}): BackfillPlan {
  const { startMs, endMs } = params;
  if (endMs <= startMs) return { archive: [], rest: [] };
  const whole = { startMs, endMs };
  if (
    params.source === "rest" ||
    !isArchiveTable(params.table) ||
    (params.exchange ?? "binance") !== "binance"
  ) {
    return { archive: [], rest: [whole] };
  }
  const today = Math.floor(params.nowMs / DAY_MS) * DAY_MS;
  const firstDay = Math.ceil(startMs / DAY_MS) * DAY_MS;
  const lastDay = Math.min(Math.floor(endMs / DAY_MS) * DAY_MS, today);
  if (lastDay <= firstDay) return { archive: [], rest: [whole] };
  const rest: TimeRange[] = [];
  if (startMs < firstDay) rest.push({ startMs, endMs: firstDay });
  if (lastDay < endMs) rest.push({ startMs: lastDay, endMs });
  return { archive: [{ startMs: firstDay, endMs: lastDay }], rest };
}

/** What is read from the archive: klines of one interval, funding rates, or the 5-minute metrics. */
export type ArchiveDataset =
  | { readonly kind: "klines"; readonly interval: "1m" | "1h" | "1d" }
  /** USDⓈ-M reference-price klines: the kline layout under their own folder. */
  | { readonly kind: PriceKlineKind; readonly interval: "1h" }
  | { readonly kind: "fundingRate" }
  | { readonly kind: "metrics" }
  | { readonly kind: "bookDepth" };

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
  if (dataset.kind === "metrics" || dataset.kind === "bookDepth") return ["daily"];
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

/** Where a market lives in the archive: `spot`, USDⓈ-M futures (`um`) or COIN-M futures (`cm`). */
export type ArchiveVenue = "spot" | "um" | "cm";

export interface ArchiveSymbol {
  /** ccxt unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** Binance's id as it appears in archive paths, e.g. `BTCUSDT`, `BTCUSD_PERP`. */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly venue: ArchiveVenue;
}

/**
 * Maps a ccxt unified symbol to its archive id. `BTC/USDT` -> spot `BTCUSDT`; a linear perpetual
 * `BTC/USDT:USDT` -> um `BTCUSDT`; an inverse perpetual `BTC/USD:BTC` -> cm `BTCUSD_PERP`.
 */
export function toArchiveSymbol(symbol: string): ArchiveSymbol {
  const parsed = symbolSchema.safeParse(symbol);
  if (!parsed.success)
    throw new ArchiveUnsupportedError(`not a ccxt unified symbol: ${JSON.stringify(symbol)}`);
  const { base, quote, settle } = parseSymbol(parsed.data);
  if (settle === null) return { symbol, id: `${base}${quote}`, base, quote, venue: "spot" };
  if (settle === quote) return { symbol, id: `${base}${quote}`, base, quote, venue: "um" };
  if (settle === base) return { symbol, id: `${base}${quote}_PERP`, base, quote, venue: "cm" };
  throw new ArchiveUnsupportedError(`no archive for ${symbol}: settled in neither base nor quote`);
}

/** The market column of a row: `spot`, or `perp` for either kind of perpetual. */
export function marketOf(venue: ArchiveVenue): "spot" | "perp" {
  return venue === "spot" ? "spot" : "perp";
}

/** `ranges` minus every stretch covered by `minus`, in order, empty pieces dropped. */
export function subtractRanges(ranges: readonly TimeRange[], minus: readonly TimeRange[]): TimeRange[] {
  const cuts = [...minus].sort((a, b) => a.startMs - b.startMs);
  const out: TimeRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.startMs - b.startMs)) {
    let start = range.startMs;
    for (const cut of cuts) {
      if (cut.endMs <= start || cut.startMs >= range.endMs) continue;
      if (cut.startMs > start) out.push({ startMs: start, endMs: cut.startMs });
      start = Math.max(start, cut.endMs);
    }
    if (start < range.endMs) out.push({ startMs: start, endMs: range.endMs });
  }
  return out;
}

/**
 * `range` cut at calendar month starts (UTC): a long backfill imports and commits a month at a time,
 * so its memory is a month's rows whatever its length.
 */
export function splitByMonth(range: TimeRange): TimeRange[] {
  const out: TimeRange[] = [];
  for (let start = range.startMs; start < range.endMs;) {
    const d = new Date(start);
    const end = Math.min(range.endMs, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    out.push({ startMs: start, endMs: end });
    start = end;
  }
  return out;
}
