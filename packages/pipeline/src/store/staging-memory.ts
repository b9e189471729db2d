import type { DuckDBConnection } from "@duckdb/node-api";
import { DEFAULT_STORE_MEMORY_LIMIT, quoteSqlString } from "./duckdb.js";

/**
 * DuckDB's memory budget while rows from JS are appended to staging (`DatasetStore.stage` of a table
 * with text, boolean or list values; rows of number-only tables go to spill files and leave DuckDB's
 * memory alone, see spilled-rows.ts), below the store's `memory_limit`. The figures below were
 * measured when candles were appended too. Staged rows are only read again at commit, so past this budget their
 * compressed blocks go to the store's temp directory instead of staying resident. On 10M 1m candles
 * (bench/validate-write, 4 bases), DuckDB held ~150 MB of staging (~200 MB of RSS with the
 * allocator's share) at the 512 MB limit; at 64MB, 25-60 MB (RSS beside the V8 heap: ~205 MB); at
 * 48MB, ~25 MB and ~55 MB on disk (RSS beside the heap ~175 MB; 40MB: 176). Appending needs its
 * last row groups pinned: 16MB failed for ohlcv's 12 staged columns, 18MB sufficed for 10k to 1M
 * rows per call, so 48MB leaves 2.5x. Reads, SQL work and compaction keep the full limit.
 */
export const DEFAULT_STAGING_MEMORY_LIMIT = "48MB";

const UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a DuckDB memory size such as `"512MB"` or `"1.5 GiB"`; null for any other form (e.g. `"80%"`). */
export function parseMemorySize(size: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(size);
  if (!m) return null;
  const unit = UNITS[(m[2] || "b").toLowerCase()];
  return unit === undefined ? null : Number(m[1]) * unit;
}

/**
 * The budget staging runs under: `staging`, unless the store's own limit is lower or either size is
 * one we cannot compare (then staging simply keeps the store's limit). Null: nothing to change.
 */
export function stagingMemoryLimitOf(store: string, staging: string): string | null {
  const storeBytes = parseMemorySize(store);
  const stagingBytes = parseMemorySize(staging);
  if (storeBytes === null || stagingBytes === null || stagingBytes >= storeBytes) return null;
  return staging;
}

/**
 * The store's DuckDB `memory_limit`: the staging budget while `stage()` appends rows from JS, the
 * full limit for everything else (reads, SQL work, compaction). Switched lazily, at the first call
 * of the other kind: a backfill stages page after page under one switch. Each switch costs: lowering
 * moves blocks out of memory, and the next append reads the table's last, partly filled row group
 * back (switching around every 100k-row `stage()` doubled its time on 10M rows).
 */
export class StoreMemoryLimit {
  /** The limit DuckDB has now. */
  private current: string;
  private readonly full: string;
  private readonly budget: string | null;

  constructor(
    private readonly conn: DuckDBConnection,
    limits: { readonly memoryLimit?: string; readonly stagingMemoryLimit?: string },
  ) {
    this.full = limits.memoryLimit ?? DEFAULT_STORE_MEMORY_LIMIT;
    this.current = this.full;
    this.budget = stagingMemoryLimitOf(this.full, limits.stagingMemoryLimit ?? DEFAULT_STAGING_MEMORY_LIMIT);
  }

  /**
   * Before appending staged rows. When DuckDB cannot lower its limit (memory held by something it
   * cannot move), staging runs under the full one: the budget saves memory, it never refuses rows.
   */
  async forStaging(): Promise<void> {
    if (this.budget === null || this.current === this.budget) return;
    await this.set(this.budget).catch(() => undefined);
  }

  /** Before any other DuckDB work of the store. */
  async forWork(): Promise<void> {
    await this.set(this.full);
  }

  private async set(limit: string): Promise<void> {
    if (limit === this.current) return;
    await this.conn.run(`SET memory_limit = ${quoteSqlString(limit)}`);
    this.current = limit;
  }
}
