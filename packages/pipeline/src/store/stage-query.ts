import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { TABLES, partitionPath, partitionTimeRange, tableDef, type TableName } from "@cexdata/schema";
import type { RowSource } from "../validate/index.js";
import { quoteIdentifier } from "./duckdb.js";
import { DatasetStoreStateError, StagedPartsError } from "./errors.js";
import { mergePolicyOf } from "./merge-policy.js";
import { stageParts, type PartFileWriter, type StagingParts } from "./stage-parts.js";
import { PREC_SCALE, type TableStager } from "./staging.js";

/** Rows produced by SQL on the store's connection: the table's columns by name, TIMESTAMPs as TIMESTAMP. */
export interface StagingQuery {
  readonly sql: string;
  readonly params?: Record<string, DuckDBValue>;
  /**
   * The caller guarantees one row per primary key (e.g. the archive's validated relation, whose
   * duplicates are collapsed), so the store skips its check (a DISTINCT count: a third of staging).
   */
  readonly keysUnique?: boolean;
  /**
   * Tables the query reads that the store takes over, created in the store's `scratchCatalog`: the
   * rows are then not copied into staging (a copy of every column, a third of an archive import)
   * but read from the query at commit, and the tables are dropped after the commit or a discard.
   * Kept only for a query of one series without parameters; otherwise the rows are copied and the
   * tables dropped at once. Either way, and on a failure too, the caller must not drop them.
   */
  readonly adopt?: readonly string[];
  /**
   * The rows come in the table's key order, as a scan of the query gives them (the caller checked):
   * a partition whose only rows are an adopted query's is then written without a sort.
   */
  readonly inKeyOrder?: boolean;
  /**
   * The same rows in parts, each read from its own source (`sql` is their union), of one series:
   * the store writes each partition's file at once from the parts of its period instead of keeping
   * the rows (see `stageParts`). It needs `keysUnique`, `inKeyOrder`, no parameters and a table
   * keyed by series and time; without them, or if the rows break the promise, it throws
   * `StagedPartsError` with nothing staged.
   */
  readonly parts?: StagingParts;
}

/**
 * SQL of a row's partition period as a number: months since year 0, the year (a yearly table, or a
 * closed year of a monthly one with `compactClosedYears`: years and months since year 0 never
 * collide), or 0 (no period, or the closed years of a yearly one with `compactClosedYears`).
 */
function periodKeySql(table: TableName, ts: string, nowMs: number): string {
  const rule = TABLES[table].partition;
  const month = `(year(${ts}) * 12 + month(${ts}) - 1)`;
  if (rule.period === "month" && rule.compactClosedYears) {
    const openYear = new Date(nowMs).getUTCFullYear();
    return `(CASE WHEN year(${ts}) < ${openYear} THEN year(${ts}) ELSE ${month} END)`;
  }
  if (rule.period === "month") return month;
  if (rule.period === "year" && rule.compactClosedYears) {
    const openYear = new Date(nowMs).getUTCFullYear();
    return `(CASE WHEN year(${ts}) < ${openYear} THEN 0 ELSE year(${ts}) END)`;
  }
  if (rule.period === "year") return `year(${ts})`;
  return "0";
}

/** A column of the query in its staged representation (see staging.ts: numbers and times as DOUBLE). */
function stagedValueSql(name: string, table: TableName): string {
  const column = tableDef(table).columns[name]!;
  const id = `q.${quoteIdentifier(name)}`;
  if (column.type === "TIMESTAMP_MS") return `epoch_ms(CAST(${id} AS TIMESTAMP))::DOUBLE`;
  if (column.type === "VARCHAR" || column.type === "BOOLEAN" || column.type === "VARCHAR[]")
    return `CAST(${id} AS ${column.type})`;
  return `CAST(${id} AS DOUBLE)`;
}

interface Group {
  readonly values: string[];
  readonly pkey: number;
  readonly minTs: number;
  readonly maxTs: number;
  readonly rows: number;
  readonly distinct: number;
}

/**
 * Stages the rows of `query` without them leaving DuckDB: one aggregate pass finds the series and
 * partition files (registered as `stage()` registers them), then one INSERT ... SELECT fills the
 * staging table, or, for adopted tables, the query is kept to be read at commit. The rows must be validated, with unique keys (a query with two rows of one key is
 * refused before anything is staged). Returns the number of rows staged.
 */
export async function stageQueryRows(
  conn: DuckDBConnection,
  stager: TableStager,
  query: StagingQuery,
  source: RowSource,
  writer: PartFileWriter,
): Promise<number> {
  if (query.parts) {
    const table = stager.layout.table;
    if (!stager.keyIsSeriesAndTime) throw new StagedPartsError(table, "need a key of series and time only");
    if (!query.keysUnique || !query.inKeyOrder || Object.keys(query.params ?? {}).length > 0)
      throw new StagedPartsError(table, "need unique keys in key order and no parameters");
    return stageParts(conn, stager, query.parts, source, writer);
  }
  let adopted = false;
  try {
    const staged = await stageRows(conn, stager, query, source);
    adopted = staged.adopted;
    return staged.rows;
  } finally {
    if (!adopted) await dropTables(conn, query.adopt ?? []);
  }
}

/** Drops tables handed to the store (see `StagingQuery.adopt`). */
export async function dropTables(conn: DuckDBConnection, tables: readonly string[]): Promise<void> {
  for (const t of tables) await conn.run(`DROP TABLE IF EXISTS ${t}`);
}

async function stageRows(
  conn: DuckDBConnection,
  stager: TableStager,
  query: StagingQuery,
  source: RowSource,
): Promise<{ rows: number; adopted: boolean }> {
  const { layout } = stager;
  const table = layout.table;
  const def = TABLES[table];
  const ts = `CAST(q.${quoteIdentifier(def.timeColumn)} AS TIMESTAMP)`;
  const dict = layout.dictColumns.map((c) => `q.${quoteIdentifier(c)}`);
  const restKey = (def.key as readonly string[]).filter((k) => !layout.dictColumns.includes(k));
  const distinct = query.keysUnique
    ? "count(*)"
    : restKey.length === 0
      ? "1"
      : `count(DISTINCT ${restKey.length === 1 ? `q.${quoteIdentifier(restKey[0]!)}` : `(${restKey.map((k) => `q.${quoteIdentifier(k)}`).join(", ")})`})`;
  const pkey = periodKeySql(table, ts, stager.layoutNowMs);
  const groupsReader = await conn.runAndReadAll(
    `SELECT ${[...dict, `${pkey}::DOUBLE`].join(", ")}, epoch_ms(min(${ts}))::DOUBLE, epoch_ms(max(${ts}))::DOUBLE,
      count(*)::DOUBLE, (${distinct})::DOUBLE
      FROM (${query.sql}) q GROUP BY ALL`,
    query.params,
  );
  const n = layout.dictColumns.length;
  const groups: Group[] = (groupsReader.getRows() as unknown[][]).map((r) => ({
    values: r.slice(0, n) as string[],
    pkey: r[n] as number,
    minTs: r[n + 1] as number,
    maxTs: r[n + 2] as number,
    rows: r[n + 3] as number,
    distinct: r[n + 4] as number,
  }));
  const repeated = groups.find((g) => g.distinct !== g.rows);
  if (repeated) {
    throw new DatasetStoreStateError(
      `stageFromQuery(${table}): the query gives ${repeated.rows - repeated.distinct} rows whose key another row has (series ${repeated.values.join("/")})`,
    );
  }
  if (groups.length === 0) return { rows: 0, adopted: false };
  groups.sort((a, b) => a.minTs - b.minTs);
  const baseIndex = layout.dictColumns.indexOf("base");
  const newTuples: unknown[][] = [];
  const ids = groups.map((g) => {
    const file = partitionPath(table, {
      ...(baseIndex >= 0 ? { base: g.values[baseIndex] } : {}),
      tsMs: g.minTs,
      nowMs: stager.layoutNowMs,
    });
    // The period key above and the schema's partition rule must agree on every row.
    if (g.maxTs >= partitionTimeRange(file, stager.layoutNowMs).endMs) {
      throw new DatasetStoreStateError(`stageFromQuery(${table}): rows up to ${g.maxTs} do not fit ${file}`);
    }
    return stager.registerGroup({ ...g, file, newTuples, source });
  });
  await stager.series.append(newTuples);

  const total = groups.reduce((sum, g) => sum + g.rows, 0);
  const seq = stager.reserveSeq(total);
  const prec = mergePolicyOf(table).rank[source];
  // Join the rows to their ids on what varies between groups only (an archive batch: the period).
  const varying = layout.dictColumns.filter((_, i) => new Set(groups.map((g) => g.values[i])).size > 1);
  const noParams = Object.keys(query.params ?? {}).length === 0;
  if (query.adopt !== undefined && varying.length === 0 && noParams) {
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM (${query.sql})`);
    const timeType = (described.getRows() as unknown[][]).find((r) => r[0] === def.timeColumn)?.[1];
    stager.segments.push({
      sql: query.sql,
      timeType: String(timeType),
      pids: new Set(ids.map((i) => i.pid)),
      prec,
      seq,
      relations: query.adopt,
      series: stager.series.values[ids[0]!.sid]!,
      inKeyOrder: query.inKeyOrder === true,
    });
    return { rows: total, adopted: true };
  }
  const values = layout.valueColumns.map((c) => stagedValueSql(c.name, table));
  let from = `(${query.sql}) q`;
  let sid = String(ids[0]!.sid);
  const params: Record<string, DuckDBValue> = { ...query.params };
  // Staged rows carry their series id only (the partition is the series' base and time range):
  // join the rows to their ids on what varies between series, one row per series.
  if (varying.length > 0) {
    const seen = new Set<number>();
    const rows: string[] = [];
    groups.forEach((g, i) => {
      if (seen.has(ids[i]!.sid)) return;
      seen.add(ids[i]!.sid);
      const cells = [String(ids[i]!.sid)];
      for (const c of varying) {
        const name = `_stage_v${i}_${layout.dictColumns.indexOf(c)}`;
        params[name] = g.values[layout.dictColumns.indexOf(c)]!;
        cells.push(`$${name}`);
      }
      rows.push(`(${cells.join(", ")})`);
    });
    const names = ["_sid", ...varying.map((_, i) => `_v${i}`)];
    const on = varying.map((c, i) => `q.${quoteIdentifier(c)} = m._v${i}`);
    from += ` JOIN (VALUES ${rows.join(", ")}) m(${names.join(", ")}) ON ${on.join(" AND ")}`;
    sid = "m._sid";
  }
  await conn.run(
    `INSERT INTO ${layout.stageTable} SELECT ${prec * PREC_SCALE + seq}, ${sid}, ${values.join(", ")} FROM ${from}`,
    params,
  );
  // The INSERT's row order is not the key order: those partitions are sorted at commit.
  for (const { pid: p, sid: s } of ids) stager.addSeries(p, s, "inserted");
  return { rows: total, adopted: false };
}
