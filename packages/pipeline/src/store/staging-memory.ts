import type { DuckDBConnection } from "@duckdb/node-api";
import { DEFAULT_STORE_MEMORY_LIMIT, quoteSqlString } from "./duckdb.js";

/**
 * DuckDB's memory budget while rows from JS are appended to staging (`DatasetStore.stage`), below
 * the store's `memory_limit`. Staged rows are only read again at commit, so past this budget their
 * compressed blocks go to the store's temp directory instead of staying resident: a 10M-row backfill
 * held ~150 MB of staging (~200 MB of RSS with the allocator's share) at the 512 MB limit, ~25-40 MB
 * under this budget (the rest, ~50 MB, on disk until the commit reads it back). The appender itself
 * needs a few MB per 2048-row chunk and buffers at most ~200k rows before it writes them, well within
 * it. Commits and SQL work (`withConnection`, `stageFromQuery`) keep the full limit.
 */
export const DEFAULT_STAGING_MEMORY_LIMIT = "64MB";

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
 * full limit for everything else (commits, reads, SQL work). Switched lazily, at the first call of
 * the other kind: a backfill stages page after page under one switch. Each switch costs: lowering
 * moves blocks out of memory, and the next append reads the table's last, partly filled row group
 * back (switching around every 100k-row `stage()` doubled its time on 10M rows).
 */
export class StoreMemoryLimit {
  private staging = false;
  private readonly full: string;
  private readonly budget: string | null;

  constructor(
    private readonly conn: DuckDBConnection,
    limits: { readonly memoryLimit?: string; readonly stagingMemoryLimit?: string },
  ) {
    this.full = limits.memoryLimit ?? DEFAULT_STORE_MEMORY_LIMIT;
    this.budget = stagingMemoryLimitOf(this.full, limits.stagingMemoryLimit ?? DEFAULT_STAGING_MEMORY_LIMIT);
  }

  /**
   * Before appending staged rows. When DuckDB cannot lower its limit (memory held by something it
   * cannot move), staging runs under the full one: the budget saves memory, it never refuses rows.
   */
  async forStaging(): Promise<void> {
    if (this.staging || this.budget === null) return;
    try {
      await this.conn.run(`SET memory_limit = ${quoteSqlString(this.budget)}`);
      this.staging = true;
    } catch {
      // Left at the full limit: see above.
    }
  }

  /** Before any other DuckDB work of the store. */
  async forWork(): Promise<void> {
    if (!this.staging) return;
    await this.conn.run(`SET memory_limit = ${quoteSqlString(this.full)}`);
    this.staging = false;
  }
}
