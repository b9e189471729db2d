import {
  cadenceMsOf,
  candleIntervalOf,
  type DatasetSpec,
  isKeyedByMarket,
  type Market,
  type SpecGap,
  tableHasMarket,
  type TableName,
} from "@cexdata/schema";
import { createProxiedFetch } from "../../proxy/create-proxied-fetch.js";
import type { CommitResult, SeriesRef } from "../../store/index.js";
import { ArchiveUnsupportedError } from "./errors.js";
import type { DownloadArchiveZipParams } from "./fetch.js";
import { fillFromRest, type FillGap, type RestFill } from "./fill.js";
import { findGaps } from "../../store/index.js";
import { type ArchiveImport, type ArchiveLeftover, importArchiveRange } from "./import.js";
import type { StagingStore } from "./stage-csvs.js";
import {
  type ArchiveDataset,
  type ArchiveSymbol,
  type ArchiveTable,
  type BackfillSource,
  planBackfill,
  splitByMonth,
  subtractRanges,
  type TimeRange,
  toArchiveSymbol,
} from "./plan.js";

export const DEFAULT_ARCHIVE_URL = "https://data.binance.vision";

/** The part of the dataset store a backfill uses (`DatasetStore` has it). */
export interface BackfillStore extends StagingStore {
  readonly dir: string;
  readonly spec: DatasetSpec | null;
  commit(): Promise<CommitResult>;
  setGaps(table: TableName, gaps: readonly SpecGap[], options?: { series?: readonly SeriesRef[] }): void;
}

export interface BackfillFromArchiveParams extends Pick<
  DownloadArchiveZipParams,
  "fetch" | "attempts" | "backoffMs" | "sleep"
> {
  /** Base URL of the archive; default `CEXDATA_ARCHIVE_URL`, else https://data.binance.vision. */
  archiveUrl?: string;
  /**
   * Environment for `CEXDATA_ARCHIVE_URL` and the archive's proxy (`CEXDATA_PROXY_ARCHIVE`, else
   * HTTPS_PROXY/HTTP_PROXY); process.env by default. Not consulted for the proxy when `fetch` is given.
   */
  env?: NodeJS.ProcessEnv;
  store: BackfillStore;
  /** Names the quarantine file: `<dataset>/quarantine/<runId>.jsonl`. */
  runId: string;
  market: Market;
  /** ccxt unified symbol: `BTC/USDT` (spot) or `BTC/USDT:USDT` (USDⓈ-M perpetual). */
  symbol: string;
  table: ArchiveTable;
  startMs: number;
  endMs: number;
  nowMs?: number;
  /** `auto` (default): archive, then REST for the rest and for gaps. `archive`: no REST at all. */
  source?: Exclude<BackfillSource, "rest">;
  /** The REST side; without it, what the archive leaves is only reported. */
  fillGap?: FillGap;
  tmpDir?: string;
  concurrency?: number;
}

/** One line of the run report: who filled which range. */
export interface SourceRange extends TimeRange {
  readonly source: "archive" | "rest" | "missing";
  readonly rows: number;
  readonly detail?: string;
}

export interface ArchiveBackfillResult {
  readonly table: ArchiveTable;
  readonly symbol: string;
  readonly market: Market;
  readonly imported: ArchiveImport[];
  /** What the archive did not fill (REST's part), whether or not REST was asked. */
  readonly leftForRest: ArchiveLeftover[];
  readonly rest: RestFill[];
  /** Gaps still missing after REST: recorded in spec.json when REST was asked. */
  readonly gaps: TimeRange[];
  readonly ranges: SourceRange[];
  readonly fetched: number;
  readonly accepted: number;
  readonly rejectedByReason: Record<string, number>;
  readonly commits: CommitResult[];
}

/** The archive's datasets other than klines (which every candle table reads, by its interval). */
const EVENT_DATASETS: Readonly<Partial<Record<ArchiveTable, ArchiveDataset>>> = {
  funding_rates: { kind: "fundingRate" },
  // The daily metrics files carry both the open interest and the long/short ratios.
  open_interest: { kind: "metrics" },
  long_short_ratios: { kind: "metrics" },
  mark_ohlcv_1h: { kind: "markPriceKlines", interval: "1h" },
  index_ohlcv_1h: { kind: "indexPriceKlines", interval: "1h" },
  premium_index_ohlcv_1h: { kind: "premiumIndexKlines", interval: "1h" },
  book_depth: { kind: "bookDepth" },
};

function datasetOf(table: ArchiveTable, symbol: ArchiveSymbol): ArchiveDataset {
  if (!tableHasMarket(table, "spot") && symbol.venue !== "um")
    throw new ArchiveUnsupportedError(`${table} is archived for USDⓈ-M perpetuals only`);
  const interval = candleIntervalOf(table);
  if (interval !== undefined) return { kind: "klines", interval };
  const dataset = EVENT_DATASETS[table];
  if (dataset === undefined) throw new ArchiveUnsupportedError(`${table} is not read from the archive`);
  if (dataset.kind === "bookDepth" && symbol.venue !== "um")
    throw new ArchiveUnsupportedError(`${table} is archived for USDⓈ-M perpetuals only`);
  return dataset;
}

/**
 * Backfills one Binance series from data.binance.vision: complete past days from the archive
 * (monthly files, daily for the current month and where a month is not published), the rest and
 * every gap from REST through `fillGap`, what neither has listed as a gap in spec.json. Commits.
 */
export async function backfillFromArchive(p: BackfillFromArchiveParams): Promise<ArchiveBackfillResult> {
  const nowMs = p.nowMs ?? Date.now();
  const symbol = toArchiveSymbol(p.symbol);
  if (symbol.venue === "cm" || (p.market === "perp") !== (symbol.venue === "um")) {
    throw new ArchiveUnsupportedError(`${p.symbol} is not a ${p.market} market the dataset stores`);
  }
  const dataset = datasetOf(p.table, symbol);
  const env = p.env ?? process.env;
  const archiveUrl = p.archiveUrl ?? env["CEXDATA_ARCHIVE_URL"] ?? DEFAULT_ARCHIVE_URL;
  const proxied =
    p.fetch === undefined
      ? createProxiedFetch({ variable: "CEXDATA_PROXY_ARCHIVE", env, targetUrl: archiveUrl })
      : null;
  try {
    return await backfillWith(
      { ...p, ...(proxied && { fetch: proxied.fetch }) },
      archiveUrl,
      nowMs,
      symbol,
      dataset,
    );
  } finally {
    await proxied?.close();
  }
}

async function backfillWith(
  p: BackfillFromArchiveParams,
  archiveUrl: string,
  nowMs: number,
  symbol: ArchiveSymbol,
  dataset: ArchiveDataset,
): Promise<ArchiveBackfillResult> {
  const source = p.source ?? "auto";
  const useRest = source === "auto" && p.fillGap !== undefined;
  const series = { exchange: "binance", symbol: p.symbol, market: p.market };
  const plan = planBackfill({ source, table: p.table, startMs: p.startMs, endMs: p.endMs, nowMs });
  const common = { store: p.store, datasetDir: p.store.dir, runId: p.runId, table: p.table, nowMs };
  const leftForRest: ArchiveLeftover[] = plan.rest.map((r) => ({ ...r, reason: "not_in_archive" }));
  const imported: ArchiveImport[] = [];
  let fetched = 0;
  let accepted = 0;
  const rejectedByReason: Record<string, number> = {};
  const monthCommits: CommitResult[] = [];
  for (const month of plan.archive.flatMap(splitByMonth)) {
    const r = await importArchiveRange({ ...p, ...common, ...month, archiveUrl, symbol, dataset });
    imported.push(...r.imported);
    leftForRest.push(...r.leftover);
    fetched += r.fetched;
    accepted += r.accepted;
    for (const [k, v] of Object.entries(r.rejectedByReason))
      rejectedByReason[k] = (rejectedByReason[k] ?? 0) + v;
    // Each month committed before the next is read: 12 months peak at one month's memory, not 12.
    if (r.accepted > 0) monthCommits.push(await p.store.commit());
  }
  leftForRest.sort((a, b) => a.startMs - b.startMs);
  const restArgs = { ...common, fillGap: p.fillGap!, symbol: p.symbol, market: p.market };
  const rest = useRest ? await fillFromRest({ ...restArgs, ranges: leftForRest }) : [];
  const commits = [...monthCommits, await p.store.commit()];
  const gapArgs = {
    dir: p.store.dir,
    table: p.table,
    series,
    startMs: p.startMs,
    endMs: Math.min(p.endMs, nowMs),
  };
  // Gaps are read from the committed files on the store's connection (no second DuckDB).
  const gapsNow = () => p.store.withConnection((conn) => findGaps({ ...gapArgs, conn, spec: p.store.spec }));
  let found = await gapsNow();
  if (useRest) {
    // Ask REST once per range: what it already could not serve is not asked again.
    const ask = subtractRanges([...found.interior, ...found.edges], leftForRest);
    if (ask.length > 0) {
      rest.push(...(await fillFromRest({ ...restArgs, ranges: ask })));
      commits.push(await p.store.commit());
      found = await gapsNow();
    }
    p.store.setGaps(
      p.table,
      found.interior.map((g) => toSpecGap(g, p)),
      { series: [series] },
    );
    commits.push(await p.store.commit());
  }
  return {
    table: p.table,
    symbol: p.symbol,
    market: p.market,
    imported,
    leftForRest,
    rest,
    gaps: found.interior,
    ranges: describeSources(imported, rest, found.interior),
    fetched,
    accepted,
    rejectedByReason,
    commits,
  };
}

function toSpecGap(gap: TimeRange, p: BackfillFromArchiveParams): SpecGap {
  const step = cadenceMsOf(p.table) ?? 1;
  return {
    exchange: "binance",
    symbol: p.symbol,
    ...(isKeyedByMarket(p.table) ? { market: p.market } : {}),
    start: new Date(gap.startMs).toISOString(),
    end: new Date(gap.endMs).toISOString(),
    missing: Math.round((gap.endMs - gap.startMs) / step),
  };
}

/** The run report's "who filled what": archive files, REST ranges, and what is still missing. */
export function describeSources(
  imported: ArchiveImport[],
  rest: RestFill[],
  gaps: TimeRange[],
): SourceRange[] {
  const out: SourceRange[] = [
    ...imported.map((i) => ({
      startMs: i.startMs,
      endMs: i.endMs,
      source: "archive" as const,
      rows: i.rows,
      detail: i.file,
    })),
    ...rest
      .filter((r) => r.rows > 0)
      .map((r) => ({ startMs: r.startMs, endMs: r.endMs, source: "rest" as const, rows: r.rows })),
    ...gaps.map((g) => ({ ...g, source: "missing" as const, rows: 0 })),
  ];
  return out.sort((a, b) => a.startMs - b.startMs || a.source.localeCompare(b.source));
}

const iso = (ms: number): string =>
  new Date(ms).toISOString().replace(":00.000Z", "Z").replace("T00:00Z", "");

/**
 * The run report's section for one archive backfill: which source filled which range, what the
 * archive refused and why, what is still missing. Plain lines, for the report file and the log.
 */
export function formatArchiveReport(result: ArchiveBackfillResult): string[] {
  const head = `${result.table} binance ${result.market} ${result.symbol}`;
  const refused = Object.entries(result.rejectedByReason).map(([k, v]) => `${k} ${v}`);
  const lines = [
    `${head}: archive rows read ${result.fetched}, accepted ${result.accepted}` +
      (refused.length ? `, quarantined ${refused.join(", ")}` : ""),
  ];
  for (const r of result.ranges) {
    const what = r.source === "missing" ? "MISSING (listed in spec.json gaps)" : `${r.source} ${r.rows} rows`;
    lines.push(`  ${iso(r.startMs)} .. ${iso(r.endMs)}  ${what}${r.detail ? `  ${r.detail}` : ""}`);
  }
  for (const l of result.leftForRest.filter((x) => x.reason !== "not_in_archive")) {
    lines.push(`  archive ${l.reason}: ${l.file ?? ""} ${l.detail ?? ""}`.trimEnd());
  }
  return lines;
}
