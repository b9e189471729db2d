import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdentifier, quoteSqlString, tableDef } from "@cexdata/schema";
import { validateRows, type RejectedRow } from "../../validate/index.js";
import { marketOf, type ArchiveSymbol } from "./archive-symbol.js";
import { archiveRowsSql, type ArchiveTable } from "./archive-rows-sql.js";
import type { CsvFormat } from "./csv-formats.js";
import { ArchiveFormatError } from "./errors.js";
import { checkSeriesIdentity, validateInDuckDB, type CheckedRelations } from "./validate-sql.js";

export interface ImportArchiveCsvsParams {
  conn: DuckDBConnection;
  table: ArchiveTable;
  symbol: ArchiveSymbol;
  format: CsvFormat;
  csvPaths: readonly string[];
  /** Only rows with ts in [startMs, endMs) are kept (a monthly file may reach past the range). */
  startMs: number;
  endMs: number;
  nowMs: number;
  /** Prefix of the temp relations this batch creates (unique per batch). */
  prefix: string;
}

export interface ImportedBatch {
  readonly relations: CheckedRelations;
  /** SQL of the accepted rows, unique by key: what `store.stageFromQuery` takes. */
  readonly acceptedSql: string;
  /** Rows read from the CSVs within the range. */
  readonly fetched: number;
  readonly acceptedRows: number;
  readonly rejected: RejectedRow[];
}

/**
 * CSV -> typed DuckDB table -> validated relation, without a row passing through JS: DuckDB reads
 * the files with the explicit columns of their format, converts them to the schema's columns
 * (epoch-ms TIMESTAMP `ts`), and the rules run as SQL. Only refused rows come back, for quarantine.
 */
export async function importArchiveCsvs(p: ImportArchiveCsvsParams): Promise<ImportedBatch> {
  const identity: Record<string, string> = {
    exchange: "binance",
    symbol: p.symbol.symbol,
    base: p.symbol.base,
    quote: p.symbol.quote,
  };
  if ("market" in tableDef(p.table).columns) identity["market"] = marketOf(p.symbol.venue);
  const bad = checkSeriesIdentity(p.table, identity);
  if (bad !== null) throw new ArchiveFormatError(p.symbol.symbol, `series identity refused: ${bad}`);
  const columns = Object.keys(tableDef(p.table).columns).map((name) =>
    name === "ts" ? `CAST(epoch_ms(CAST(ts AS BIGINT)) AS TIMESTAMP_MS) AS ts` : quoteIdentifier(name),
  );
  let relations: CheckedRelations;
  try {
    // One pass: CSV -> schema columns -> shape and rules, straight into the checked table.
    relations = await validateInDuckDB({
      conn: p.conn,
      table: p.table,
      source: `(SELECT ${columns.join(", ")} FROM (${archiveRowsSql(p.table, p.symbol, p.format, p.csvPaths)}))`,
      sourceParams: {
        symbol: p.symbol.symbol,
        base: p.symbol.base,
        quote: p.symbol.quote,
        start_ms: BigInt(p.startMs),
        end_ms: BigInt(p.endMs),
      },
      constants: identity,
      nowMs: p.nowMs,
      prefix: p.prefix,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ArchiveFormatError(p.csvPaths.join(", "), `${p.format.id}: ${message}`);
  }
  const counts = await p.conn.runAndReadAll(
    `SELECT count(*)::DOUBLE, (count(*) FILTER (WHERE reason IS NULL))::DOUBLE, (SELECT count(*) FROM ${relations.dups})::DOUBLE
     FROM ${relations.checked}`,
  );
  const [fetched, valid, dupKeys] = counts.getRows()[0] as [number, number, number];
  let accepted = valid;
  if (dupKeys > 0) {
    const reader = await p.conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM ${relations.accepted}`);
    accepted = (reader.getRows()[0] as [number])[0];
  }
  const rejected = await readRejected(p.conn, p.table, relations.rejected, p.nowMs);
  // Without duplicate keys the accepted rows are the checked rows without a reason: reading them
  // straight skips the view's anti-join and union.
  const acceptedSql =
    dupKeys > 0
      ? `SELECT * FROM ${relations.accepted}`
      : `SELECT ${Object.keys(tableDef(p.table).columns)
          .map((n) =>
            n in identity ? `${quoteSqlString(identity[n]!)} AS ${quoteIdentifier(n)}` : quoteIdentifier(n),
          )
          .join(", ")} FROM ${relations.checked} WHERE reason IS NULL`;
  return { relations, acceptedSql, fetched, acceptedRows: accepted, rejected };
}

/** Refused rows back in JS (few), with validate's own detail string where a single row explains it. */
async function readRejected(
  conn: DuckDBConnection,
  table: ArchiveTable,
  relation: string,
  nowMs: number,
): Promise<RejectedRow[]> {
  const names = Object.keys(tableDef(table).columns);
  const select = names.map((n) => (n === "ts" ? "epoch_ms(ts) AS ts" : quoteIdentifier(n))).join(", ");
  const reader = await conn.runAndReadAll(`SELECT ${select}, reason FROM ${relation}`);
  return reader.getRowObjectsJS().map((r) => {
    const row: Record<string, unknown> = {};
    for (const n of names) {
      const v = r[n];
      row[n] = typeof v === "bigint" ? Number(v) : v;
    }
    const reason = String(r["reason"]);
    const alone = validateRows(table, [row], { source: "archive", nowMs }).rejected[0];
    const detail = alone?.reason === reason ? alone.detail : `${reason} (found in DuckDB)`;
    return { row, reason, detail, source: "archive" as const };
  });
}
