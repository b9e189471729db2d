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
 * Runs a template over the views' files: rows, or, given a shape, columns or an Arrow table.
 * Declared once here: the Dataset's implementation takes this type.
 */
export interface RunTemplate {
  (snapshot: SpecSnapshot, template: RunnableQuery, views: readonly ViewFiles[]): Promise<PlainRow[]>;
  (
    snapshot: SpecSnapshot,
    template: RunnableQuery,
    views: readonly ViewFiles[],
    shape: ResultShape | undefined,
  ): Promise<ShapedResult>;
}

/** What the query planner needs from a Dataset: a spec, and a way to run a template over files. */
export interface QueryContext {
  readSnapshot(): Promise<SpecSnapshot>;
  readonly runTemplate: RunTemplate;
}
