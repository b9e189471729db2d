import { parseSymbol, TABLES, type TableName } from "@cexdata/schema";
import type { Exchange, Market } from "ccxt";
import { createProExchange } from "../collect/liquidation-collector.js";
import { createAdapter } from "../exchanges/registry.js";
import type { ExchangeAdapter, RawBody, SeriesTable } from "../exchanges/types.js";
import { emptyCounts, ingestRows, storeSink } from "../ingest/index.js";
import type { Logger } from "../log/create-logger.js";
import { createRunReport, type RunReport } from "../report/run-report.js";
import { writeRunReport } from "../report/write-report.js";
import { openDatasetStore } from "../store/index.js";
import { validateRows } from "../validate/index.js";
import { newRunId } from "../report/run-id.js";
import { compareWithStored, type ReplayChange } from "./compare-replayed.js";
import { listRawFiles, readRawFile, sealDeadRunsRawFiles, type RawFileProblem } from "../raw/raw-log.js";
import type { RawRecord } from "../raw/raw-record.js";
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

/**
 * Rows of every series the REST records were fetched for: the records of one series (table and
 * symbol) go to its adapter entry's replay parser together, oldest first, since some rows are built
 * from several bodies. A record that is not JSON, or whose envelope changed, is a problem, skipped.
 */
function restRows(
  adapter: ExchangeAdapter,
  markets: Readonly<Record<string, Market>>,
  records: readonly Located[],
  problems: RawFileProblem[],
): Map<TableName, Record<string, unknown>[]> {
  const bySeries = new Map<string, Located[]>();
  for (const located of records) {
    const key = `${located.record.table ?? ""}|${located.record.symbol ?? ""}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), located]);
  }
  const out = new Map<TableName, Record<string, unknown>[]>();
  for (const [key, located] of bySeries) {
    const [table, symbol] = key.split("|") as [SeriesTable, string];
    const replay = adapter.tables[table]?.replay;
    const market = markets[symbol];
    if (!replay || !market) {
      const reason = !replay
        ? `${adapter.id} has no replay parser for ${table || "(no table)"}`
        : `${adapter.id} does not list ${symbol || "(no symbol)"} any more`;
      for (const { file, offset } of located) problems.push({ file, offset, reason });
      continue;
    }
    const readable: Located[] = [];
    const bodies: RawBody[] = [];
    for (const l of [...located].sort((a, b) => a.record.receivedAt - b.record.receivedAt)) {
      try {
        bodies.push({
          body: JSON.parse(l.record.body) as unknown,
          endpoint: l.record.endpoint,
          ...(l.record.pageSinceMs !== undefined && { pageSinceMs: l.record.pageSinceMs }),
        });
        readable.push(l);
      } catch (error) {
        problems.push({
          file: l.file,
          offset: l.offset,
          reason: `does not parse: ${(error as Error).message}`,
        });
      }
    }
    const series = { table, exchange: adapter.id, market: parseSymbol(symbol).market, symbol };
    const { rows, unreadable } = replay(series, bodies, market);
    for (const { index, reason } of unreadable) {
      const l = readable[index]!;
      problems.push({ file: l.file, offset: l.offset, reason: `does not parse: ${reason}` });
    }
    out.set(table, [...(out.get(table) ?? []), ...(rows as unknown as Record<string, unknown>[])]);
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
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.offset - b.offset);
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
