import { closeSync, ftruncateSync, openSync, rmSync, writevSync } from "node:fs";
import path from "node:path";
import { quoteIdentifier, quoteSqlString } from "./duckdb.js";
import { PARQUET_MAGIC, dataPageHeader, parquetFooter, type RowGroupLayout } from "./plain-parquet.js";

/**
 * Rows staged from JS for a table whose staged columns are all numbers (the candle tables, funding,
 * open interest, long/short ratios, funding predictions): kept per partition as Float64 columns,
 * written as row groups of a plain Parquet file (see plain-parquet.ts) in the store's work
 * directory, and read back at commit by DuckDB's `read_parquet`, which the merge selects from as it
 * would from the staging table.
 *
 * Why not DuckDB's appender into a staging table, as before: landing rows in a DuckDB table costs
 * more than everything else staging does. 1M rows of 12 columns (bench/validate-write's shape):
 * appender + flush 0.94-1.02 s against 0.22-0.33 s for typed arrays written to files. Why Parquet
 * and not raw columns read back through a JS table function (tried): DuckDB then waits on the JS
 * thread for every 2048 rows, and two partitions merged side by side took a third longer than from
 * the table; `read_parquet` reads these files on DuckDB's threads alone. The rows still never stay
 * in JS: a 10M-row backfill holds at most `MAX_BUFFERED_ROWS` of them (~6 MB) between writes.
 *
 * Null is NaN in the files (columns are REQUIRED, so no definition levels): staged rows are
 * validated, and the shape check refuses NaN and ±Infinity in every number column, so NaN is free
 * to mean "no value"; the relation turns it back into NULL (DuckDB compares NaN equal to NaN).
 */

/** The rows buffered across a stager's partitions before every buffer is written out. */
const MAX_BUFFERED_ROWS = 65_536;
/** Released buffers kept for new partitions (see `SpilledRows.spares`). */
const MAX_SPARES = 4;
/** A partition's first buffer; it doubles as rows come, up to `MAX_BUFFERED_ROWS`. */
const FIRST_CAPACITY = 1024;
const BYTES = Float64Array.BYTES_PER_ELEMENT;

/** A spilled column: its name, and whether it may hold nulls (NaN in the file). */
export interface SpilledColumn {
  readonly name: string;
  readonly nullable: boolean;
}

/** One partition's staged rows: the row groups written to its file, and the rows buffered since. */
export class SpilledPartition {
  private readonly groups: RowGroupLayout[] = [];
  /** Where the next row group goes: the end of the written ones (a footer, if any, is after it). */
  private dataEnd = PARQUET_MAGIC.length;
  private footerWritten = false;
  /** Buffered rows, one Float64Array per column (null as NaN); empty while nothing is buffered. */
  columns: Float64Array[] = [];
  buffered = 0;
  private capacity = 0;

  constructor(
    /** The spill file, a Parquet file once `finish()` wrote its footer. */
    readonly file: string,
    /** The columns, in the order of `columns` and of the file's schema. */
    readonly spilledColumns: readonly SpilledColumn[],
  ) {}

  /** The buffer index of one more row (its values are written into `columns` by the caller). */
  nextSlot(): number {
    if (this.buffered === this.capacity) this.grow();
    return this.buffered++;
  }

  private grow(): void {
    const capacity = Math.max(FIRST_CAPACITY, this.capacity * 2);
    this.columns = this.spilledColumns.map((_, c) => {
      const next = new Float64Array(capacity);
      if (this.buffered > 0) next.set(this.columns[c]!.subarray(0, this.buffered));
      return next;
    });
    this.capacity = capacity;
  }

  /**
   * Appends the buffered rows to the file as one row group (over a footer written before). The
   * buffer is kept for the rows to come (growing it again each time cost a sixth of staging);
   * `release()` lets it go.
   */
  write(): void {
    const rows = this.buffered;
    if (rows === 0) return;
    const first = this.groups.length === 0;
    // The first row group creates the file after its magic bytes; a later one goes where the
    // written ones end, over the footer a tried commit may have left there.
    const start = first ? 0 : this.dataEnd;
    const chunks: Uint8Array[] = first ? [PARQUET_MAGIC] : [];
    let offset = this.dataEnd;
    const header = dataPageHeader(rows);
    const pages = this.columns.map((column) => {
      chunks.push(header, new Uint8Array(column.buffer, 0, rows * BYTES));
      const page = { offset, bytes: header.length + rows * BYTES };
      offset += page.bytes;
      return page;
    });
    writeAt(this.file, start, chunks, first);
    this.groups.push({ rows, pages });
    this.dataEnd = offset;
    this.footerWritten = false;
    this.buffered = 0;
  }

  /** Writes the buffered rows and the footer: the file is then a whole Parquet file. */
  finish(): void {
    this.write();
    if (this.footerWritten || this.groups.length === 0) return;
    const footer = parquetFooter(
      this.spilledColumns.map((c) => c.name),
      this.groups,
    );
    writeAt(this.file, this.dataEnd, [footer], false, this.dataEnd + footer.length);
    this.footerWritten = true;
  }

  /** Lets an empty buffer go (a partition whose rows stopped coming); returns it, if it had one. */
  release(): Float64Array[] | null {
    if (this.buffered > 0) throw new Error("release() of a spill buffer holding rows");
    const columns = this.columns;
    this.columns = [];
    this.capacity = 0;
    return columns.length > 0 ? columns : null;
  }

  /** Takes a released buffer (same columns) as its own, instead of growing one from nothing. */
  adopt(columns: Float64Array[]): void {
    if (this.capacity > 0) throw new Error("adopt() by a spill partition with a buffer");
    this.columns = columns;
    this.capacity = columns[0]!.length;
  }

  /**
   * The partition's rows for a query (after `finish()`): the staging table's columns, in staging
   * order, NaN back to NULL in the nullable ones.
   */
  relation(): string {
    const columns = this.spilledColumns.map(({ name, nullable }) => {
      const q = quoteIdentifier(name);
      return nullable ? `nullif(${q}, 'NaN'::DOUBLE) AS ${q}` : q;
    });
    return `(SELECT ${columns.join(", ")} FROM read_parquet(${quoteSqlString(this.file)}))`;
  }
}

/**
 * Writes `chunks` at `position` of `file` (created when `create`), then cuts the file at `truncateTo`
 * if given (a footer written over a longer old one).
 */
function writeAt(
  file: string,
  position: number,
  chunks: readonly Uint8Array[],
  create: boolean,
  truncateTo?: number,
): void {
  // Positioned writes: a file opened for appending would ignore the position.
  const fd = openSync(file, create ? "w" : "r+");
  try {
    const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
    let written = 0;
    while (written < total) written += writevSync(fd, slicesFrom(chunks, written), position + written);
    if (truncateTo !== undefined) ftruncateSync(fd, truncateTo);
  } finally {
    closeSync(fd);
  }
}

/** The chunks' bytes from `skip` on (a partial writev goes on where it stopped). */
function slicesFrom(chunks: readonly Uint8Array[], skip: number): Uint8Array[] {
  if (skip === 0) return [...chunks];
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.byteLength) skip -= c.byteLength;
    else {
      out.push(c.subarray(skip));
      skip = 0;
    }
  }
  return out;
}

/**
 * One table's spilled partitions, by partition id, and the bound on the rows they buffer together.
 * The files live in `dir` (the store's work directory).
 */
export class SpilledRows {
  private readonly byPid: (SpilledPartition | undefined)[] = [];
  private buffered = 0;
  /**
   * Buffers partitions let go, for the next partition to start with: growing each new partition's
   * from 1024 rows (fresh memory, zero-filled, copied at each doubling) cost a sixth of staging.
   */
  private readonly spares: Float64Array[][] = [];

  constructor(
    private readonly dir: string,
    private readonly table: string,
    private readonly spilledColumns: readonly SpilledColumn[],
  ) {}

  /** Makes room for `n` more buffered rows: past `MAX_BUFFERED_ROWS`, every buffer is written out. */
  reserve(n: number): void {
    if (this.buffered + n > MAX_BUFFERED_ROWS) this.writeAll();
    this.buffered += n;
  }

  /** Partition `pid`'s spill, created (file named after the table and pid) on its first row. */
  partition(pid: number): SpilledPartition {
    let part = this.byPid[pid];
    if (part === undefined) {
      part = new SpilledPartition(path.join(this.dir, `${this.table}-${pid}.parquet`), this.spilledColumns);
      const spare = this.spares.pop();
      if (spare !== undefined) part.adopt(spare);
      this.byPid[pid] = part;
    }
    return part;
  }

  /** Whether partition `pid` has staged rows here. */
  has(pid: number): boolean {
    return this.byPid[pid] !== undefined;
  }

  /**
   * Writes every buffer out (when they are full together, and before the commit reads the files).
   * A partition that got no row since the last time lets its buffer go: the buffers held are those
   * of the partitions rows are coming to, at most twice `MAX_BUFFERED_ROWS` rows in all, and at
   * most `MAX_SPARES` let go.
   */
  writeAll(): void {
    for (const part of this.byPid) {
      if (part === undefined) continue;
      if (part.buffered > 0) part.write();
      else {
        const spare = part.release();
        if (spare !== null && this.spares.length < MAX_SPARES) this.spares.push(spare);
      }
    }
    this.buffered = 0;
  }

  /** Writes every buffer out and every file's footer: before a commit reads them. */
  finishAll(): void {
    for (const part of this.byPid) part?.finish();
    this.buffered = 0;
  }

  /** Removes the files and forgets them: the staged rows are committed or dropped. */
  remove(): void {
    for (const part of this.byPid) {
      if (part !== undefined) rmSync(part.file, { force: true });
    }
    this.byPid.length = 0;
    this.buffered = 0;
  }
}
