import type { Row, TableName } from "@cexdata/schema";
import type { StagingParts, StagingQuery } from "../store/index.js";
import { appendQuarantine, validateRows, type RejectedRow, type RowSource } from "../validate/index.js";

/**
 * Where ingested rows go: accepted rows to staging (the store, or a holder that stages them later),
 * refused rows to the run's quarantine. `DatasetStore` plus a quarantine file make one (`storeSink`).
 */
export interface IngestSink {
  stage(table: TableName, rows: readonly Row<TableName>[], source: RowSource): Promise<void>;
  /** Stages the rows of a query on the store's own connection (archive imports: rows never leave DuckDB). */
  stageFromQuery?(table: TableName, query: StagingQuery, source: RowSource): Promise<number>;
  quarantine(rejected: readonly RejectedRow[]): Promise<void>;
}

/** What an ingest counted: rows offered, rows accepted, refusals by reason. Accumulates across calls. */
export interface IngestCounts {
  fetched: number;
  accepted: number;
  quarantined: Record<string, number>;
}

export function emptyCounts(): IngestCounts {
  return { fetched: 0, accepted: 0, quarantined: {} };
}

/**
 * Rows already validated in DuckDB by the SQL form of the same rules (`validate/rules.ts`
 * `ruleViolationSql`, shape from the schema's zod): what the archive import produces, so its rows
 * never come into JS. Only the refused rows are here.
 */
export interface CheckedQuery {
  readonly acceptedSql: string;
  /** Rows read, when some were refused or collapsed; by default the rows staged and refused. */
  readonly fetched?: number;
  readonly rejected: readonly RejectedRow[];
  /** Whether the accepted rows are unique by key (the store then skips its own check). */
  readonly keysUnique: boolean;
  /** Tables `acceptedSql` reads that the store takes over (`StagingQuery.adopt`): the caller must not drop them. */
  readonly adopt?: readonly string[];
  /** `acceptedSql` gives its rows in the table's key order (`StagingQuery.inKeyOrder`). */
  readonly inKeyOrder?: boolean;
  /** The same rows by source file (`StagingQuery.parts`): the store may write them straight to partition files. */
  readonly parts?: StagingParts;
}

export type IngestInput = { readonly rows: readonly unknown[] } | { readonly checked: CheckedQuery };

export interface IngestParams<T extends TableName> {
  readonly table: T;
  /** REST page, archive query, websocket log, shard merge, gap fill: decides merge rank and is logged. */
  readonly source: RowSource;
  /** The clock rules are checked against (candles must be closed by it). */
  readonly nowMs: number;
  readonly input: IngestInput;
  readonly sink: IngestSink;
  /** Added to, when given (a run's per-table counts). */
  readonly counts?: IngestCounts;
}

export interface IngestResult<T extends TableName> {
  /** The accepted rows when they came as rows (a checked query's stay in DuckDB). */
  readonly accepted: readonly Row<T>[];
  readonly acceptedCount: number;
  readonly rejected: readonly RejectedRow[];
}

/**
 * The one way rows enter the dataset, from any source: validate (zod shape, then the rules, then
 * conflicting duplicates) -> quarantine the refused rows with their reasons -> stage the accepted ones
 * -> count. Nothing is committed here; the caller commits when its unit of work is done.
 */
export async function ingestRows<T extends TableName>(p: IngestParams<T>): Promise<IngestResult<T>> {
  let accepted: readonly Row<T>[] = [];
  let acceptedCount: number;
  let rejected: readonly RejectedRow[];
  let fetched: number;
  if ("rows" in p.input) {
    const result = validateRows(p.table, p.input.rows, { source: p.source, nowMs: p.nowMs });
    accepted = result.accepted;
    rejected = result.rejected;
    if (rejected.length > 0) await p.sink.quarantine(rejected);
    await p.sink.stage(p.table, accepted as readonly Row<TableName>[], p.source);
    acceptedCount = accepted.length;
    fetched = p.input.rows.length;
  } else {
    if (!p.sink.stageFromQuery) throw new TypeError(`ingestRows(${p.table}): this sink cannot stage a query`);
    const { acceptedSql, keysUnique, adopt, inKeyOrder, parts } = p.input.checked;
    rejected = p.input.checked.rejected;
    if (rejected.length > 0) await p.sink.quarantine(rejected);
    const query = {
      sql: acceptedSql,
      keysUnique,
      ...(adopt && { adopt }),
      ...(inKeyOrder && { inKeyOrder }),
      ...(parts && { parts }),
    };
    acceptedCount = await p.sink.stageFromQuery(p.table, query, p.source);
    fetched = p.input.checked.fetched ?? acceptedCount + rejected.length;
  }
  if (p.counts) {
    p.counts.fetched += fetched;
    p.counts.accepted += acceptedCount;
    for (const r of rejected) p.counts.quarantined[r.reason] = (p.counts.quarantined[r.reason] ?? 0) + 1;
  }
  return { accepted, acceptedCount, rejected };
}

/** The part of the dataset store ingest stages through (`DatasetStore` has it). */
export interface StagingTarget {
  stage<T extends TableName>(table: T, rows: readonly Row<T>[], source: RowSource): Promise<void>;
  stageFromQuery(table: TableName, query: StagingQuery, source: RowSource): Promise<number>;
}

/**
 * A sink onto a store and a run's quarantine file (`<datasetDir>/quarantine/<runId>.jsonl`).
 * `serialize` wraps each store call where several series share one store (a run's lock).
 */
export function storeSink(
  store: StagingTarget,
  quarantine: { datasetDir: string; runId: string; onQuarantined?: (rows: number) => void },
  serialize: <R>(fn: () => Promise<R>) => Promise<R> = (fn) => fn(),
): IngestSink {
  return {
    stage: (table, rows, source) => serialize(() => store.stage(table, rows, source)),
    stageFromQuery: (table, query, source) => serialize(() => store.stageFromQuery(table, query, source)),
    quarantine: async (rejected) => {
      quarantine.onQuarantined?.(rejected.length);
      await appendQuarantine(quarantine.datasetDir, quarantine.runId, rejected);
    },
  };
}
