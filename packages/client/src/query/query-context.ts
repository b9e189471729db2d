import type { SpecFile, TableName } from "@cexdata/schema";
import type { PlainRow } from "../duckdb/convert-rows.js";
import type { QueryValue, ResultShape, ShapedResult } from "../duckdb/run-query.js";
import type { SpecSnapshot } from "../source/SpecTracker.js";

/** A view of a template, over manifest files (the Dataset fetches and verifies them). */
export interface ViewFiles {
  readonly view: string;
  readonly table: TableName;
  readonly files: readonly SpecFile[];
  readonly shape?: "table" | "series";
}

/** SQL and its named parameter values (a BoundTemplate from @cexdata/sql-templates is one). */
export interface RunnableQuery {
  readonly sql: string;
  readonly values: Readonly<Record<string, QueryValue>>;
}

/**
 * What the query planner needs from a Dataset: a spec, and a way to run a template over files,
 * returning rows or, given a shape, columns or an Arrow table.
 */
export interface QueryContext {
  readSnapshot(): Promise<SpecSnapshot>;
  runTemplate(
    snapshot: SpecSnapshot,
    template: RunnableQuery,
    views: readonly ViewFiles[],
  ): Promise<PlainRow[]>;
  runTemplate(
    snapshot: SpecSnapshot,
    template: RunnableQuery,
    views: readonly ViewFiles[],
    shape: ResultShape | undefined,
  ): Promise<ShapedResult>;
}
