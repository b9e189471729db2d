import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { LiquidationRow } from "@cexdata/schema";

/**
 * What the collector logs, one JSON object per line. Connection records make coverage data:
 * `up` when a subscription delivered, `alive` while it stays open, `down` when it dropped.
 */
export type WalRecord =
  | { readonly t: "row"; readonly row: LiquidationRow }
  | { readonly t: "up" | "alive"; readonly exchange: string; readonly ts: number }
  | { readonly t: "down"; readonly exchange: string; readonly ts: number; readonly reason: string };

export const WAL_DIR = "wal";
const ACTIVE = "liquidations.active.jsonl";
const SEALED_PREFIX = "liquidations.sealed-";

/**
 * An append-only log in `<dataset>/wal/`. Every record is written to the OS at once (a SIGKILL
 * loses nothing written), and fsync'd in small batches (a power cut loses at most one batch).
 * `seal()` closes the active file under a new name for merging; sealed files are deleted only
 * after their rows are committed to the dataset, so a crash at any point replays them (idempotently).
 */
export class WriteAheadLog {
  private fd: number | null = null;
  private unsynced = 0;
  private syncTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly dir: string,
    private readonly syncEveryMs: number,
  ) {}

  static async open(datasetDir: string, syncEveryMs = 50): Promise<WriteAheadLog> {
    const dir = path.join(datasetDir, WAL_DIR);
    await mkdir(dir, { recursive: true });
    const wal = new WriteAheadLog(dir, syncEveryMs);
    wal.fd = openSync(path.join(dir, ACTIVE), "a");
    return wal;
  }

  append(record: WalRecord): void {
    if (this.fd === null) throw new Error("write-ahead log is closed");
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.unsynced++;
    this.syncTimer ??= setTimeout(() => this.sync(), this.syncEveryMs);
  }

  sync(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.fd !== null && this.unsynced > 0) fsyncSync(this.fd);
    this.unsynced = 0;
  }

  /**
   * Renames the active file to a sealed one and starts a new active file. Synchronous on purpose:
   * no append can land between closing the old file and opening the new one.
   */
  seal(): void {
    this.closeActive();
    const active = path.join(this.dir, ACTIVE);
    const sealed = path.join(
      this.dir,
      `${SEALED_PREFIX}${String(Date.now()).padStart(15, "0")}-${process.pid}.jsonl`,
    );
    try {
      renameSync(active, sealed);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    this.fd = openSync(active, "a");
  }

  close(): void {
    this.closeActive();
  }

  private closeActive(): void {
    this.sync();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Sealed files waiting to be merged, oldest first. A leftover active file of a dead process counts too. */
export async function listWalFiles(datasetDir: string, includeActive: boolean): Promise<string[]> {
  const dir = path.join(datasetDir, WAL_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  const sealed = names.filter((n) => n.startsWith(SEALED_PREFIX)).sort();
  if (includeActive && names.includes(ACTIVE)) sealed.push(ACTIVE);
  return sealed.map((n) => path.join(dir, n));
}

/** Reads records back; a torn last line (killed mid-write) is skipped, nothing else is. */
export async function readWalRecords(file: string): Promise<{ records: WalRecord[]; torn: number }> {
  const text = await readFile(file, "utf8");
  const records: WalRecord[] = [];
  let torn = 0;
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as WalRecord);
    } catch {
      torn++;
    }
  }
  return { records, torn };
}

export async function removeWalFiles(files: readonly string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f, { force: true })));
}
