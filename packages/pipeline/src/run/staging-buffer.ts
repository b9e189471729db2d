import type { Row, TableName } from "@cexdata/schema";
import type { IngestSink, StagingTarget } from "../ingest/index.js";
import type { RowSource } from "../validate/index.js";

/**
 * Accepted rows of a run's series, held until the next commit and staged then, one call per table
 * and source. Each staging call is a DuckDB appender flushed synchronously (a few ms however few its
 * rows, during which no series' request goes out or comes back); a page at a time, a 50-base run
 * made thousands of them. The rows are only in memory until the commit either way (staging is an
 * in-memory catalog), so holding them here changes nothing a crash or a rerun sees. `flush` runs
 * under the store's lock right before each commit (see GroupCommit).
 */
export class StagingBuffer {
  private pending = new Map<
    string,
    { table: TableName; source: RowSource; chunks: (readonly Row<TableName>[])[] }
  >();

  constructor(private readonly store: StagingTarget) {}

  /** `sink` with its `stage` holding the rows here instead. */
  sink(sink: IngestSink): IngestSink {
    return {
      ...sink,
      stage: async (table, rows, source) => {
        if (rows.length === 0) return;
        const key = `${table}\u0000${source}`;
        const entry = this.pending.get(key);
        if (entry) entry.chunks.push(rows);
        else this.pending.set(key, { table, source, chunks: [rows] });
      },
    };
  }

  /** Stages every row held so far (the caller holds the store's lock); later ones wait for the next. */
  async flush(): Promise<void> {
    const entries = [...this.pending.values()];
    this.pending = new Map();
    for (const { table, source, chunks } of entries) {
      const rows: Row<TableName>[] = [];
      for (const chunk of chunks) for (const row of chunk) rows.push(row);
      await this.store.stage(table, rows, source);
    }
  }
}
