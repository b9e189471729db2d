import type { DuckDBConnection } from "@duckdb/node-api";
import type { Row, TableName } from "@cexdata/schema";
import type { StagingQuery } from "../../store/index.js";
import type { RowSource } from "../../validate/index.js";

/**
 * The part of the dataset store an import writes through (`DatasetStore` has it). Archive rows are
 * read, validated and staged on the store's own connection, so they never leave DuckDB.
 */
export interface StagingStore {
  stage<T extends TableName>(table: T, rows: readonly Row<T>[], source: RowSource): Promise<void>;
  stageFromQuery(table: TableName, query: StagingQuery, source: RowSource): Promise<number>;
  withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
}
