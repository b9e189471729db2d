import type { SpecFile, TableName } from "@cexdata/schema";
import type { BoundTemplate } from "@cexdata/sql-templates";
import type { PlainRow } from "../duckdb/convert-rows.js";
import type { SpecSnapshot } from "../source/SpecTracker.js";

/** A view of a template, over manifest files (the Dataset fetches and verifies them). */
export interface ViewFiles {
  readonly view: string;
  readonly table: TableName;
  readonly files: readonly SpecFile[];
  readonly shape?: "table" | "series";
}

/** What the query planner needs from a Dataset: a spec, and a way to run a template over files. */
export interface QueryContext {
  readSnapshot(): Promise<SpecSnapshot>;
  runTemplate(
    snapshot: SpecSnapshot,
    template: BoundTemplate,
    views: readonly ViewFiles[],
  ): Promise<PlainRow[]>;
}
