import type { ExchangeInfoRow, Market, SpecGap, TableName } from "@cexdata/schema";
import type { ExchangeAdapter, SeriesRef, SeriesTable } from "../exchanges/types.js";
import type { RunReport } from "../report/run-report.js";
import type { DatasetStore } from "../store/index.js";
import { ingestRows, storeSink } from "../ingest/index.js";
import type { RunCycleParams } from "./run-cycle-params.js";
import { recordFreshness } from "./record-freshness.js";
import { deriveTokenInfo } from "./token-info.js";
import { mergeGap } from "./merge-gap.js";
import { stageExchangeInfo } from "./stage-exchange-info.js";
import { updateCoverage } from "../coverage/update-coverage.js";

/**
 * The end of a cycle: gaps into spec.json, exchange_info, then freshness and token_info from what is
 * now stored.
 */
export async function finishCycle(c: {
  store: DatasetStore;
  adapters: readonly ExchangeAdapter[];
  p: RunCycleParams;
  report: RunReport;
  bases: readonly string[];
  /** The series tables the cycle planned. */
  tables: readonly TableName[];
  gapsByTable: Map<SeriesTable, { gaps: SpecGap[]; series: SeriesRef[] }>;
  nowMs: number;
  runId: string;
}): Promise<Record<string, number>> {
  const { store, adapters, p, report } = c;
  // How long each step took, for the run's log (the end of a cycle is time the exchanges sit idle).
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  const sink = storeSink(store, { datasetDir: p.datasetDir, runId: c.runId });
  for (const [table, { gaps, series }] of c.gapsByTable) {
    // Earlier runs' gaps of these series stay: this run only looked after their watermarks. One
    // this run's gaps overlap (a stretch asked again by a later run) is merged into it, listed once.
    const merged = (store.spec?.tables[table]?.gaps ?? []).filter((g) =>
      series.some(
        (s) =>
          s.exchange === g.exchange &&
          s.symbol === g.symbol &&
          (g.market === undefined || g.market === s.market),
      ),
    );
    for (const gap of gaps) mergeGap(merged, table, gap);
    store.setGaps(table, merged, {
      series: series.map((s) => ({ exchange: s.exchange, symbol: s.symbol, market: s.market })),
    });
  }
  lap("gaps");
  const wants = (t: string) => !p.only && p.config.tables.includes(t);
  let info: ExchangeInfoRow[] = [];
  if (wants("exchange_info") || wants("token_info"))
    info = await stageExchangeInfo({
      store,
      adapters,
      markets: p.config.markets as Market[],
      suspectShare: p.config.suspectListingShare,
      write: wants("exchange_info"),
      report,
      log: p.logger,
      sink,
      nowMs: c.nowMs,
    });
  lap("exchangeInfo");
  let commit = await store.commit();
  lap("commit");
  // After that commit, so newest_ts is read from files holding this run's exchange_info too.
  await recordFreshness({ store, report, tables: c.tables, nowMs: c.nowMs });
  lap("freshness");
  // The days this run's commits touched (a backfill's too), counted from what is now stored.
  if (p.config.tables.includes("coverage")) {
    const staged = await updateCoverage({
      store,
      runId: c.runId,
      nowMs: c.nowMs,
      ...(wants("exchange_info") && { exchangeInfo: info }),
    });
    report.tables.coverage = {
      derived: { fetched: staged, accepted: staged, quarantined: {}, series: 1, failedSeries: 0 },
    };
    lap("coverage");
  }
  if (wants("token_info") && c.bases.length) {
    const names = (base: string) => adapters.map((a) => a.assetName(base)).find((n) => n !== null) ?? null;
    const rows = deriveTokenInfo({
      bases: c.bases,
      exchangeInfo: info,
      spec: store.spec,
      names,
      nowMs: c.nowMs,
    });
    const { accepted } = await ingestRows({
      table: "token_info",
      source: "rest",
      nowMs: c.nowMs,
      input: { rows },
      sink,
    });
    report.tables.token_info = {
      derived: {
        fetched: rows.length,
        accepted: accepted.length,
        quarantined: {},
        series: 1,
        failedSeries: 0,
      },
    };
  }
  lap("tokenInfo");
  commit = await store.commit();
  report.commit = { version: commit.version, changedFiles: commit.changedFiles.length };
  lap("finalCommit");
  return phases;
}
