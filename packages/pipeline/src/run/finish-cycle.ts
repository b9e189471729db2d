import type { ExchangeInfoRow, Market, SpecGap, TableName } from "@cexdata/schema";
import type { ExchangeAdapter, SeriesRef, SeriesTable } from "../exchanges/types.js";
import type { RunReport } from "../report/run-report.js";
import type { DatasetStore } from "../store/index.js";
import { ingestRows, storeSink } from "../ingest/index.js";
import type { RunCycleParams } from "./run-cycle-params.js";
import { recordFreshness } from "./record-freshness.js";
import { deriveTokenInfo } from "./token-info.js";
import { mergeGap } from "./merge-gap.js";

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
}): Promise<void> {
  const { store, adapters, p, report } = c;
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
  const wants = (t: string) => !p.only && p.config.tables.includes(t);
  const info: ExchangeInfoRow[] = adapters.flatMap((a) =>
    a.exchangeInfo(p.config.markets as Market[], c.nowMs),
  );
  if (wants("exchange_info") && info.length) {
    const { accepted } = await ingestRows({
      table: "exchange_info",
      source: "rest",
      nowMs: c.nowMs,
      input: { rows: info },
      sink,
    });
    report.tables.exchange_info = Object.fromEntries(
      adapters.map((a) => [
        a.id,
        {
          fetched: info.filter((r) => r.exchange === a.id).length,
          accepted: accepted.filter((r) => r.exchange === a.id).length,
          quarantined: {},
          series: 1,
          failedSeries: 0,
        },
      ]),
    );
  }
  let commit = await store.commit();
  // After that commit, so newest_ts is read from files holding this run's exchange_info too.
  await recordFreshness({ store, report, tables: c.tables, nowMs: c.nowMs });
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
  commit = await store.commit();
  report.commit = { version: commit.version, changedFiles: commit.changedFiles.length };
}
