import type { DuckDBConnection } from "@duckdb/node-api";
import { tableDef, type Row, type TableName } from "@cexdata/schema";
import type { RowSource } from "../../validate/index.js";

/** The part of the dataset store an import writes through. */
export interface StagingStore {
  stage<T extends TableName>(table: T, rows: readonly Row<T>[], source: RowSource): Promise<void>;
}

const BATCH_ROWS = 65_536;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Hands the rows of a validated DuckDB relation to the store's `stage()`, streamed chunk by chunk.
 * The store only takes JS rows today, so this is the one place archive rows become objects; the
 * series' constant text columns are filled from `constants` rather than copied out of DuckDB.
 * (A store entry point that stages straight from a query would remove this hop: see README.md.)
 */
export async function stageRelation(params: {
  conn: DuckDBConnection;
  store: StagingStore;
  table: TableName;
  relation: string;
  constants: Readonly<Record<string, string>>;
  source: RowSource;
}): Promise<number> {
  const columns = Object.entries(tableDef(params.table).columns);
  const varying = columns.filter(([name]) => !(name in params.constants));
  const select = varying
    .map(([name, c]) =>
      c.type === "TIMESTAMP_MS"
        ? `epoch_ms(${quoteIdent(name)})::DOUBLE`
        : c.type === "BIGINT" || c.type === "INTEGER"
          ? `${quoteIdent(name)}::DOUBLE`
          : quoteIdent(name),
    )
    .join(", ");
  const result = await params.conn.stream(`SELECT ${select} FROM ${params.relation}`);
  const names = columns.map(([name]) => name);
  let batch: Record<string, unknown>[] = [];
  let staged = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await params.store.stage(params.table, batch as Row<TableName>[], params.source);
    staged += batch.length;
    batch = [];
  };
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const data = chunk.getColumns();
    for (let i = 0; i < chunk.rowCount; i++) {
      // Keys in the schema's column order, as validated rows have them.
      const row: Record<string, unknown> = {};
      let v = 0;
      for (const name of names) row[name] = name in params.constants ? params.constants[name] : data[v++]![i];
      batch.push(row);
    }
    if (batch.length >= BATCH_ROWS) await flush();
  }
  await flush();
  return staged;
}
