import { findCloseMatches, type Market, type SpecGap } from "@cexdata/schema";
import { newRunId } from "../report/run-id.js";
import { resolveSince } from "../config/config-schema.js";
import { ExchangeGeoBlockedError } from "../exchanges/geo-block.js";
import { RefusedHosts } from "../exchanges/refused-hosts.js";
import { createAdapter } from "../exchanges/registry.js";
import type { ExchangeAdapter, SeriesRef, SeriesTable } from "../exchanges/types.js";
import {
  UnknownSymbolError,
  planRange,
  planSeries,
  seriesTablesOf,
  type PlannedSeries,
} from "../plan/plan-series.js";
import { topBasesByVolume } from "../plan/top-bases-by-volume.js";
import { bookDepthJobs } from "./take-book-depth.js";
import {
  createRunReport,
  orderReportLists,
  recordBlocked,
  recordFailure,
  recordNotServed,
  type RunReport,
} from "../report/run-report.js";
import { writeRunReport } from "../report/write-report.js";
import { RequestStats } from "../exchanges/request-stats.js";
import { StoppedError, stopOnAbort } from "../sources/rest/stop-on-abort.js";
import { withRetry } from "../sources/rest/with-retry.js";
import { DiskFullError, openDatasetStore } from "../store/index.js";
import { storeSink } from "../ingest/index.js";
import { quarantinePath } from "../validate/index.js";
import { forgettingTables } from "../exchanges/capabilities.js";
import { captureRestResponses } from "../raw/capture-raw.js";
import { RawLog } from "../raw/raw-log.js";
import { GroupCommit } from "./group-commit.js";
import { StagingBuffer } from "./staging-buffer.js";
import { SerialLock } from "./serial-lock.js";
import { finishCycle } from "./finish-cycle.js";
import { errorMessage, errorName } from "./describe-error.js";
import { runExchangeSeries } from "./run-exchange-series.js";
import { recordBlockedExchanges } from "./record-blocked.js";
import type { RunCycleParams } from "./run-cycle-params.js";

export type { RunCycleParams };

/**
 * Series' commits at most this often (see GroupCommit): a crash loses at most the series of the
 * last few seconds, which the next run fetches again from the stored watermarks.
 */
const COMMIT_INTERVAL_MS = 2_000;

export interface RunCycleResult {
  readonly report: RunReport;
  readonly reportFile: string;
}

/**
 * One cycle: load markets, plan every series from the config and the stored watermarks, fetch and
 * stage them (exchanges in parallel, up to `concurrency` series at once per exchange sharing its rate
 * limiter, committing after each series so a crash loses at most the series in flight), then
 * exchange_info, token_info, gaps and the report. A failing series or exchange is reported and the
 * rest goes on.
 */
export async function runCycle(p: RunCycleParams): Promise<RunCycleResult> {
  const clock = p.nowMs ?? Date.now;
  const startedAt = clock();
  const runId = newRunId(startedAt);
  const report = createRunReport({
    runId,
    command: p.command ?? "run",
    dataset: p.datasetDir,
    startedAtMs: startedAt,
  });
  const log = p.logger.child({ runId });
  const stats = new RequestStats();
  const lock = new SerialLock();
  // One set for the run: a host found geo-blocked is never asked again, a banned one not before its
  // ban ends, by any exchange's series.
  const refusedHosts = new RefusedHosts(p.clockMs);
  const store = await openDatasetStore({ dir: p.datasetDir, nowMs: clock });
  const raw = p.captureRaw === false ? null : await RawLog.open(p.datasetDir, runId);
  let quarantined = 0;
  // A full disk ends the whole run (see fetchOneSeries).
  let diskFull: DiskFullError | null = null;
  let unfinished = 0;
  const halted = () => p.signal?.aborted === true || diskFull !== null;
  try {
    const exchangeIds = [
      ...new Set([...p.config.exchanges, ...(p.only ?? []).map((o) => o.series.exchange)]),
    ];
    const adapters: ExchangeAdapter[] = [];
    const blockedExchanges: { adapter: ExchangeAdapter; error: ExchangeGeoBlockedError }[] = [];
    // Markets of every exchange at once: each load is a few requests that only wait on the network.
    const loaded = await Promise.all(
      exchangeIds.map(async (id) => {
        const adapter = createAdapter(id, { env: p.env, stats, timeoutMs: p.timeoutMs, refusedHosts });
        if (raw)
          captureRestResponses(adapter.ccxt, {
            log: raw,
            tables: forgettingTables(adapter.tables),
            clockMs: clock,
          });
        const retry = { exchange: adapter.ccxt, policy: p.retry, sleep: p.sleep, clockMs: p.clockMs };
        try {
          await stopOnAbort(
            withRetry(() => adapter.loadMarkets(), { ...retry, stats: stats.of(id) }),
            p.signal,
          );
          return { id, adapter, error: null };
        } catch (error) {
          return { id, adapter, error };
        }
      }),
    );
    for (const { id, adapter, error } of loaded) {
      if (error === null) {
        adapters.push(adapter);
        continue;
      }
      if (error instanceof StoppedError) break;
      if (error instanceof ExchangeGeoBlockedError) {
        log.warn({ exchange: id, host: error.host }, `${error.message}; its series are reported blocked`);
        blockedExchanges.push({ adapter, error });
        continue;
      }
      log.error(
        { exchange: id, err: errorMessage(error) },
        `${id}: cannot load markets; its series are skipped`,
      );
      recordFailure(report, {
        table: "*",
        exchange: id,
        error: errorName(error),
        message: `loadMarkets: ${errorMessage(error)}`,
      });
    }
    // Series and books stage through the buffer: their rows are staged at each commit (GroupCommit).
    const staging = new StagingBuffer(store);
    const sink = staging.sink(
      storeSink(store, { datasetDir: p.datasetDir, runId, onQuarantined: (n) => (quarantined += n) }, (fn) =>
        lock.run(fn),
      ),
    );

    // book_depth is not paged: each run takes its snapshots (and Binance's archived days) at the end.
    const tables = p.only
      ? [...new Set(p.only.map((o) => o.series.table))]
      : seriesTablesOf(p.config.tables, p.config.intervals).filter((t) => t !== "book_depth");
    const markets = p.config.markets as Market[];
    let planned: PlannedSeries[];
    let bases: string[] = [];
    if (p.only) {
      planned = [];
      for (const o of p.only) {
        const adapter = adapters.find((a) => a.id === o.series.exchange);
        if (!adapter) continue;
        if (!adapter.symbols(o.series.market).includes(o.series.symbol)) {
          const err = new UnknownSymbolError(
            adapter.id,
            o.series.symbol,
            findCloseMatches(o.series.symbol, adapter.symbols(o.series.market)),
          );
          // A market that left the listing is known from exchange_info: say where its history is.
          const gone = (await lock.run(() => store.readRows("exchange_info", [adapter.id]))).find(
            (r) => r.symbol === o.series.symbol && r.delisted_at !== null,
          );
          recordFailure(report, {
            table: o.series.table,
            exchange: adapter.id,
            market: o.series.market,
            symbol: o.series.symbol,
            error: err.name,
            message: gone
              ? `${adapter.id} no longer lists ${o.series.symbol} (delisted ${new Date(gone.delisted_at!).toISOString()}); ` +
                `its REST history is gone${adapter.archivedTables.includes(o.series.table) ? ", the archive keeps it: --source archive" : ""}`
              : err.message,
          });
          continue;
        }
        const unsupported = adapter.unsupported(o.series.table, o.series.market);
        if (unsupported !== null) {
          recordNotServed(report, [
            {
              table: o.series.table,
              exchange: adapter.id,
              market: o.series.market,
              base: o.series.symbol,
              reason: unsupported,
            },
          ]);
          continue;
        }
        planned.push(
          await planRange({
            adapter,
            series: o.series,
            sinceMs: o.sinceMs,
            untilMs: o.untilMs,
            nowMs: clock(),
            readWatermark: (t, s) => lock.run(() => store.readWatermark(t, s)),
          }),
        );
      }
    } else {
      bases =
        p.config.bases ??
        (await lock.run(() =>
          store.withConnection((conn) =>
            topBasesByVolume({
              conn,
              dir: p.datasetDir,
              spec: store.spec,
              adapters,
              markets,
              n: p.config.top ?? 10,
              nowMs: clock(),
            }),
          ),
        ));
      const storedMarkets = await lock.run(() => store.readRows("exchange_info"));
      const plan = await planSeries({
        storedBases: new Set(storedMarkets.map((r) => r.base)),
        adapters,
        tables,
        markets,
        bases,
        sinceMs: resolveSince(p.config.since, clock()),
        nowMs: clock(),
        readWatermark: (t, s) => lock.run(() => store.readWatermark(t, s)),
      });
      planned = plan.series;
      recordNotServed(report, plan.skipped);
    }
    recordBlockedExchanges(report, blockedExchanges, {
      tables: p.only ? tables : [...tables, ...p.config.tables.filter((t) => t === "exchange_info")],
      markets: p.only ? [...new Set(p.only.map((o) => o.series.market))] : markets,
      bases: p.only ? p.only.map((o) => o.series.symbol) : (p.config.bases ?? []),
    });
    for (const adapter of adapters) {
      for (const market of markets) {
        const blocked = adapter.blockedMarket(market);
        if (blocked && !p.only && p.config.tables.includes("exchange_info")) {
          log.warn({ exchange: adapter.id, market, host: blocked.host }, blocked.message);
          recordBlocked(report, {
            table: "exchange_info",
            exchange: adapter.id,
            market,
            host: blocked.host,
            remedy: blocked.remedy,
            message: `${market} markets not refreshed: stored rows are kept as they were (stale), none invented`,
          });
        }
      }
    }
    log.info(
      { series: planned.length, exchanges: adapters.map((a) => a.id) },
      `planned ${planned.length} series`,
    );

    const gapsByTable = new Map<SeriesTable, { gaps: SpecGap[]; series: SeriesRef[] }>();
    const commits = new GroupCommit(lock, store, COMMIT_INTERVAL_MS, undefined, () => staging.flush());
    const context = { p, runId, report, log, lock, store, commits, sink, stats, clock, gapsByTable };
    // Exchanges side by side, each running up to `concurrency` of its series at once, then taking
    // its book_depth (book_depth is not paged: each run takes its snapshots once its series are done).
    const takesBooks = !p.only && p.config.tables.includes("book_depth");
    const settled = await Promise.allSettled(
      adapters.map(async (adapter) => {
        const started = performance.now();
        const books = takesBooks
          ? bookDepthJobs({
              store,
              lock,
              commit: async () => {
                // The exchange's last commit: nothing more of it joins, no reason to wait.
                const done = commits.commit();
                commits.flush();
                await done;
              },
              adapter,
              markets,
              bases,
              sinceMs: resolveSince(p.config.since, startedAt),
              nowMs: clock(),
              runId,
              report,
              sink,
              log,
              env: p.env ?? process.env,
            })
          : undefined;
        const result = await runExchangeSeries({
          context,
          adapter,
          series: planned.filter((s) => s.series.exchange === adapter.id),
          concurrency: p.config.concurrency,
          halted,
          ...(books && { followUp: books }),
        });
        unfinished += result.unfinished;
        diskFull ??= result.diskFull;
        if (!books || diskFull !== null) return;
        await books.commit();
        log.info(
          { exchange: adapter.id, ms: Math.round(performance.now() - started) },
          `${adapter.id}: series and book_depth done`,
        );
      }),
    );
    // Every exchange has stopped using the store before an error (a full disk) ends the cycle.
    for (const s of settled) if (s.status === "rejected") throw s.reason;

    if (diskFull === null) {
      const finishStarted = performance.now();
      const phases = await lock.run(() =>
        finishCycle({ store, adapters, p, report, bases, tables, gapsByTable, nowMs: clock(), runId }),
      );
      log.info({ ms: Math.round(performance.now() - finishStarted), phases }, "cycle finished");
    }
  } catch (error) {
    if (!(error instanceof DiskFullError)) throw error;
    diskFull ??= error;
    recordFailure(report, { table: "*", exchange: "*", error: error.name, message: error.message });
  } finally {
    report.requests = stats.toJSON();
    report.finishedAt = new Date(clock()).toISOString();
    orderReportLists(report);
    report.quarantineFile = quarantined > 0 ? quarantinePath(p.datasetDir, runId) : null;
    if (p.signal?.aborted) {
      const reason = typeof p.signal.reason === "string" ? p.signal.reason : "aborted";
      report.stopped = { reason, unfinishedSeries: unfinished };
    }
    await store.close();
    await raw?.seal();
    report.raw = raw ? raw.stats : null;
  }
  if (diskFull !== null) {
    // The store has freed its temp files, so the report may fit; if not, the error says it all.
    await writeRunReport(p.datasetDir, report).catch((error: unknown) =>
      log.warn(`cannot write the run report: ${errorMessage(error)}`),
    );
    throw diskFull;
  }
  const reportFile = await writeRunReport(p.datasetDir, report);
  return { report, reportFile };
}
