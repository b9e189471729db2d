import { parseSymbol, TABLES, type TableName } from "@cexdata/schema";
import type { Exchange, Market } from "ccxt";
import { createProExchange } from "../collect/liquidation-collector.js";
import { createAdapter } from "../exchanges/registry.js";
import type { ExchangeAdapter, SeriesTable } from "../exchanges/types.js";
import { emptyCounts, ingestRows, storeSink } from "../ingest/index.js";
import type { Logger } from "../log/create-logger.js";
import { createRunReport, type RunReport } from "../report/run-report.js";
import { writeRunReport } from "../report/write-report.js";
import { openDatasetStore } from "../store/index.js";
import { validateRows } from "../validate/index.js";
import { newRunId } from "../run/run-cycle.js";
import { compareWithStored, type ReplayChange } from "./compare-replayed.js";
import { listRawFiles, readRawFile, sealDeadRunsRawFiles, type RawFileProblem } from "./raw-log.js";
import type { RawRecord } from "./raw-record.js";
import { liquidationRowsFromMessages } from "./replay-websocket.js";

export interface ReplayParams {
  readonly datasetDir: string;
  readonly table?: TableName;
  readonly exchange?: string;
  /** Inclusive UTC days (`YYYY-MM-DD`) of the records' receipt. */
  readonly sinceDay?: string;
  readonly untilDay?: string;
  /** Only report what would change. */
  readonly dryRun?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly nowMs?: () => number;
}

export interface ReplayResult {
  /** Raw records read (after the filters). */
  readonly records: number;
  /** Rows re-derived from them that passed validation. */
  readonly rows: number;
  readonly changes: readonly ReplayChange[];
  /** Records that did not parse any more (a changed format): named by file and offset, skipped. */
  readonly problems: readonly RawFileProblem[];
  /** Records a killed writer left half-written (dropped). */
  readonly torn: number;
  readonly report: RunReport & { replay?: unknown };
  readonly reportFile: string | null;
}

interface Located {
  readonly record: RawRecord;
  readonly file: string;
  readonly offset: number;
}

/** The markets a replay parses against, loaded once per exchange (contract sizes, instrument ids). */
async function marketsOf(adapter: ExchangeAdapter): Promise<Record<string, Market>> {
  await adapter.loadMarkets();
  return adapter.ccxt.markets as Record<string, Market>;
}

function restRows(
  adapter: ExchangeAdapter,
  markets: Readonly<Record<string, Market>>,
  records: readonly Located[],
  problems: RawFileProblem[],
): Map<TableName, Record<string, unknown>[]> {
  const out = new Map<TableName, Record<string, unknown>[]>();
  for (const { record, file, offset } of records) {
    const table = record.table as SeriesTable;
    const parse = adapter.tables[table]?.replay;
    const market = record.symbol ? markets[record.symbol] : undefined;
    if (!parse || !record.symbol || !market) {
      problems.push({
        file,
        offset,
        reason: !parse
          ? `${adapter.id} has no replay parser for ${record.table ?? "(no table)"}`
          : `${adapter.id} does not list ${record.symbol ?? "(no symbol)"} any more`,
      });
      continue;
    }
    try {
      const series = {
        table,
        exchange: adapter.id,
        market: parseSymbol(record.symbol).market,
        symbol: record.symbol,
      };
      const rows = parse(series, JSON.parse(record.body), market) as unknown as Record<string, unknown>[];
      out.set(table, [...(out.get(table) ?? []), ...rows]);
    } catch (error) {
      problems.push({ file, offset, reason: `does not parse: ${(error as Error).message}` });
    }
  }
  return out;
}

/**
 * `cexdata replay`: re-derives rows from the raw layer through today's adapters (REST bodies) and
 * ccxt's websocket handlers (collector messages), validates them like any row, and reports per table,
 * exchange and day what they add or change against the dataset; unless `dryRun`, merges them through
 * the one ingest path (source `replay`, which outranks what is stored: that is the point of a fix).
 * Records that no longer parse are reported with their file and offset and skipped.
 */
export async function replayRaw(p: ReplayParams): Promise<ReplayResult> {
  const clock = p.nowMs ?? Date.now;
  const runId = newRunId(clock());
  const report = createRunReport({
    runId,
    command: "replay",
    dataset: p.datasetDir,
    startedAtMs: clock(),
  }) as RunReport & {
    replay?: unknown;
  };
  await sealDeadRunsRawFiles(p.datasetDir);
  const problems: RawFileProblem[] = [];
  let torn = 0;
  const byExchange = new Map<string, Located[]>();
  for (const file of await listRawFiles(p.datasetDir, {
    exchange: p.exchange,
    sinceDay: p.sinceDay,
    untilDay: p.untilDay,
  })) {
    const read = await readRawFile(file);
    problems.push(...read.problems);
    torn += read.torn;
    for (const r of read.records) {
      if (p.table && r.record.table !== p.table) continue;
      byExchange.set(r.record.exchange, [...(byExchange.get(r.record.exchange) ?? []), { ...r, file }]);
    }
  }

  const rowsByTable = new Map<TableName, Record<string, unknown>[]>();
  const add = (table: TableName, rows: readonly Record<string, unknown>[]) =>
    rowsByTable.set(table, [...(rowsByTable.get(table) ?? []), ...rows]);
  let records = 0;
  for (const [id, located] of byExchange) {
    records += located.length;
    const rest = located.filter((l) => l.record.transport === "rest");
    const ws = located.filter((l) => l.record.transport === "ws");
    if (rest.length > 0) {
      const adapter = createAdapter(id, { env: p.env });
      for (const [table, rows] of restRows(adapter, await marketsOf(adapter), rest, problems))
        add(table, rows);
    }
    if (ws.length > 0) {
      let pro: Exchange | null = null;
      try {
        pro = await createProExchange(id, p.env ?? process.env);
        const markets = (await pro.loadMarkets()) as Record<string, Market>;
        const replayed = liquidationRowsFromMessages(pro, markets, ws);
        problems.push(...replayed.problems);
        add("liquidations", replayed.rows);
      } finally {
        await pro?.close().catch(() => undefined);
      }
    }
  }

  const changes: ReplayChange[] = [];
  const counts = emptyCounts();
  let rows = 0;
  const store = p.dryRun ? null : await openDatasetStore({ dir: p.datasetDir, nowMs: clock });
  try {
    for (const [table, candidates] of [...rowsByTable].sort(([a], [b]) => a.localeCompare(b))) {
      // Validation first, as any source: only rows that would be stored are compared.
      const accepted = validateRows(table, candidates, { source: "replay", nowMs: clock() }).accepted;
      rows += accepted.length;
      changes.push(...(await compareWithStored(p.datasetDir, table, accepted as never)));
      if (store) {
        await ingestRows({
          table,
          source: "replay",
          nowMs: clock(),
          input: { rows: candidates },
          sink: storeSink(store, { datasetDir: p.datasetDir, runId }),
          counts,
        });
      }
    }
    if (store && changes.length > 0) {
      const commit = await store.commit();
      report.commit = { version: commit.version, changedFiles: commit.changedFiles.length };
    }
  } finally {
    await store?.close();
  }
  report.finishedAt = new Date(clock()).toISOString();
  report.replay = {
    dryRun: p.dryRun === true,
    records,
    rows,
    torn,
    problems,
    changes,
    quarantined: counts.quarantined,
  };
  const reportFile = p.dryRun ? null : await writeRunReport(p.datasetDir, report);
  for (const c of changes) {
    p.logger.info(
      {
        table: c.table,
        exchange: c.exchange,
        day: c.day,
        added: c.added,
        changed: c.changed,
        example: c.rows[0],
      },
      `${p.dryRun ? "would change" : "changed"} ${TABLES[c.table as TableName].name} ${c.exchange} ${c.day}`,
    );
  }
  for (const problem of problems) p.logger.warn(problem, `skipped a raw record: ${problem.reason}`);
  return { records, rows, changes, problems, torn, report, reportFile };
}
