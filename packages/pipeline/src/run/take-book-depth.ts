import type { SerialLock } from "./serial-lock.js";
import type { Market } from "@cexdata/schema";
import type { ExchangeAdapter } from "../exchanges/types.js";
import { ingestRows, type IngestSink } from "../ingest/index.js";
import type { Logger } from "../log/create-logger.js";
import { countsOf, recordFailure, type RunReport } from "../report/run-report.js";
import { backfillFromArchive } from "../sources/archive/index.js";
import type { DatasetStore } from "../store/index.js";
import { errorMessage, errorName } from "./describe-error.js";
import { withRetry } from "../sources/rest/with-retry.js";

const DAY_MS = 86_400_000;

/** The book_depth snapshots of one exchange, taken one job at a time by the exchange's workers. */
export interface BookDepthJobs {
  /** The next book to take, or undefined when every one has been handed out. */
  next(): (() => Promise<void>) | undefined;
  /** Commits the books taken (after every job handed out has ended). */
  commit(): Promise<void>;
}

/**
 * book_depth of one exchange in a cycle, for every configured (market, base): where the exchange's
 * archive keeps depth history (Binance USDⓈ-M `bookDepth`), the whole days published since the last
 * stored one, one snapshot a minute; elsewhere one REST snapshot of the top levels now, so those
 * series are as sparse as the schedule (stated in the dataset card). Not paged like other series: a
 * book has no history to page through. Taken by the exchange's series workers once no series is
 * left to start, while the last series and other exchanges may still run (sharing the exchange's
 * rate limits), the store used under `lock`, one commit for them all. A series that fails is
 * reported and the rest goes on.
 */
export function bookDepthJobs(c: {
  store: DatasetStore;
  lock: SerialLock;
  /** Commits what the books staged through `sink`. */
  commit: () => Promise<void>;
  adapter: ExchangeAdapter;
  markets: readonly Market[];
  bases: readonly string[];
  /** Where a series with nothing stored starts (the config's `since`). */
  sinceMs: number;
  nowMs: number;
  runId: string;
  report: RunReport;
  /** Stages under the lock itself. */
  sink: IngestSink;
  log: Pick<Logger, "warn">;
  env: NodeJS.ProcessEnv;
}): BookDepthJobs {
  const { adapter, lock } = c;
  const jobs: { market: Market; symbol: string }[] = [];
  for (const market of c.markets)
    for (const base of c.bases) {
      const symbol = adapter.symbolFor(base, market);
      if (symbol !== undefined) jobs.push({ market, symbol });
    }
  const takeOne = async ({ market, symbol }: { market: Market; symbol: string }) => {
    const counts = countsOf(c.report, "book_depth", adapter.id);
    try {
      if (market === "perp" && adapter.archivedTables.includes("book_depth")) {
        counts.series += 1;
        const watermark = await lock.run(() =>
          c.store.readWatermark("book_depth", { exchange: adapter.id, symbol, market }),
        );
        const startMs = Math.ceil((watermark === null ? c.sinceMs : watermark + 1) / DAY_MS) * DAY_MS;
        const endMs = Math.floor(c.nowMs / DAY_MS) * DAY_MS;
        if (startMs >= endMs) return;
        const result = await lock.run(() =>
          backfillFromArchive({
            store: c.store,
            runId: c.runId,
            market,
            symbol,
            table: "book_depth",
            startMs,
            endMs,
            nowMs: c.nowMs,
            env: c.env,
            source: "archive",
          }),
        );
        counts.fetched += result.fetched;
        counts.accepted += result.accepted;
      } else if (adapter.bookSnapshot && adapter.blockedMarket(market) === null) {
        counts.series += 1;
        const snapshot = adapter.bookSnapshot;
        // Retried as a series' page is: a 429 or a dropped connection is no reason to lose the book.
        const rows = await withRetry(() => snapshot(symbol, market, c.nowMs), { exchange: adapter.ccxt });
        await ingestRows({
          table: "book_depth",
          source: "rest",
          nowMs: c.nowMs,
          input: { rows },
          sink: c.sink,
          counts,
        });
      }
    } catch (error) {
      const [name, message] = [errorName(error), errorMessage(error)];
      c.log.warn({ exchange: adapter.id, symbol, err: message }, `book_depth of ${symbol} failed`);
      recordFailure(c.report, {
        table: "book_depth",
        exchange: adapter.id,
        market,
        symbol,
        error: name,
        message,
      });
    }
  };
  let next = 0;
  return {
    next: () => {
      const job = jobs[next];
      if (job === undefined) return undefined;
      next += 1;
      return () => takeOne(job);
    },
    // Nothing to commit when no book was taken (the run stopped first).
    commit: async () => {
      if (next > 0) await c.commit();
    },
  };
}
