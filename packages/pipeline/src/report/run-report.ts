import { CORE_EXCHANGES, TABLE_NAMES, type Market } from "@cexdata/schema";
import type { ExchangeRequestStats } from "../exchanges/request-stats.js";

/** Counts of one table on one exchange. */
export interface TableExchangeCounts {
  /** Rows the exchange returned inside the requested ranges. */
  fetched: number;
  accepted: number;
  /** Rows quarantined, by validation reason. */
  quarantined: Record<string, number>;
  series: number;
  failedSeries: number;
}

export interface SeriesFailure {
  readonly table: string;
  readonly exchange: string;
  readonly market?: Market;
  readonly symbol?: string;
  /** The error class (BadSymbol, RetriesExhaustedError, ...). */
  readonly error: string;
  readonly message: string;
}

/**
 * A series (or a whole exchange, table "*") that could not be fetched because the exchange refuses
 * the runner's location (HTTP 451, CloudFront's country block). Not a failure of the data: the remedy
 * is a proxy, another runner or the archive.
 */
export interface SeriesBlocked {
  readonly table: string;
  readonly exchange: string;
  readonly market?: Market;
  readonly symbol?: string;
  /** The refusing host, e.g. `fapi.binance.com`. */
  readonly host: string;
  /** What to do about it, in a sentence. */
  readonly remedy: string;
  readonly message: string;
}

export interface NotServed {
  readonly table: string;
  readonly exchange: string;
  readonly market: Market;
  readonly reason: string;
  readonly bases: string[];
}

export interface SeriesGaps {
  readonly table: string;
  readonly exchange: string;
  readonly market: Market;
  readonly symbol: string;
  /** Candles between the first and last fetched one (0 for tables without candles). */
  readonly expected: number;
  readonly present: number;
  /** Holes, and stretches older than the exchange still kept when asked (see spec.json `gaps`). */
  readonly stretches: { start: string; end: string; missing: number }[];
}

/** A listing that lost too many markets at once to be believed (a failed or truncated answer). */
export interface SuspectListing {
  readonly exchange: string;
  /** Markets stored as trading that this listing lacks. */
  readonly vanished: number;
  /** Markets stored as trading before this run. */
  readonly of: number;
  /** The largest share that may vanish at once (config `suspectListingShare`). */
  readonly allowedShare: number;
}

/** What `runs/<run-id>.json` holds. */
export interface RunReport {
  readonly runId: string;
  readonly command: string;
  readonly dataset: string;
  readonly startedAt: string;
  finishedAt: string;
  /** False when any series or exchange failed. */
  ok: boolean;
  tables: Record<string, Record<string, TableExchangeCounts>>;
  failures: SeriesFailure[];
  /** Series refused by a geo-block; they do not make `ok` false (see `SeriesBlocked`). */
  blocked: SeriesBlocked[];
  notServed: NotServed[];
  requests: Record<string, ExchangeRequestStats>;
  gaps: SeriesGaps[];
  commit: { version: number; changedFiles: number } | null;
  quarantineFile: string | null;
  /**
   * Listings that lost more than the allowed share of an exchange's markets at once (a failed or
   * truncated answer): that exchange's exchange_info was left as stored, nothing marked delisted.
   */
  suspectListings: SuspectListing[];
  /**
   * Set when the run was told to stop (SIGTERM, SIGINT): why, and how many planned series it did
   * not finish (the next run resumes them). Not a failure: `ok` says whether anything failed.
   */
  stopped: { reason: string; unfinishedSeries: number } | null;
  /** What the run kept in the raw layer (records and their uncompressed bytes), null when not capturing. */
  raw: { records: number; bytes: number } | null;
}

export function createRunReport(p: {
  runId: string;
  command: string;
  dataset: string;
  startedAtMs: number;
}): RunReport {
  return {
    runId: p.runId,
    command: p.command,
    dataset: p.dataset,
    startedAt: new Date(p.startedAtMs).toISOString(),
    finishedAt: new Date(p.startedAtMs).toISOString(),
    ok: true,
    tables: {},
    failures: [],
    blocked: [],
    notServed: [],
    requests: {},
    gaps: [],
    commit: null,
    quarantineFile: null,
    suspectListings: [],
    stopped: null,
    raw: null,
  };
}

/** The counts of (table, exchange), created on first use. */
export function countsOf(report: RunReport, table: string, exchange: string): TableExchangeCounts {
  const byExchange = (report.tables[table] ??= {});
  return (byExchange[exchange] ??= { fetched: 0, accepted: 0, quarantined: {}, series: 0, failedSeries: 0 });
}

export function recordFailure(report: RunReport, failure: SeriesFailure): void {
  report.failures.push(failure);
  report.ok = false;
  if (failure.table !== "*") countsOf(report, failure.table, failure.exchange).failedSeries += 1;
}

export function recordBlocked(report: RunReport, blocked: SeriesBlocked): void {
  report.blocked.push(blocked);
}

/** Groups skipped series by (table, exchange, market, reason) so the report stays short. */
export function recordNotServed(
  report: RunReport,
  skipped: readonly { table: string; exchange: string; market: Market; base: string; reason: string }[],
): void {
  for (const s of skipped) {
    const found = report.notServed.find(
      (n) =>
        n.table === s.table && n.exchange === s.exchange && n.market === s.market && n.reason === s.reason,
    );
    if (found) found.bases.push(s.base);
    else
      report.notServed.push({
        table: s.table,
        exchange: s.exchange,
        market: s.market,
        reason: s.reason,
        bases: [s.base],
      });
  }
}

/** Position in a fixed order; what the order does not name comes after, by name. */
function rankIn(order: readonly string[], value: string): number {
  const i = order.indexOf(value);
  return i < 0 ? order.length : i;
}

type Listed = {
  readonly table: string;
  readonly exchange: string;
  readonly market?: Market;
  readonly symbol?: string;
};

function compareListed(a: Listed, b: Listed): number {
  return (
    rankIn(TABLE_NAMES, a.table) - rankIn(TABLE_NAMES, b.table) ||
    a.table.localeCompare(b.table) ||
    rankIn(CORE_EXCHANGES, a.exchange) - rankIn(CORE_EXCHANGES, b.exchange) ||
    a.exchange.localeCompare(b.exchange) ||
    (a.market ?? "").localeCompare(b.market ?? "") ||
    (a.symbol ?? "").localeCompare(b.symbol ?? "")
  );
}

/**
 * Puts the report's lists in one order (the schema's tables, the exchange order, market, symbol):
 * series run side by side finish in any order, and a report must not depend on it.
 */
export function orderReportLists(report: RunReport): void {
  report.gaps.sort(compareListed);
  report.failures.sort(compareListed);
  report.blocked.sort(compareListed);
  report.notServed.sort(compareListed);
}
