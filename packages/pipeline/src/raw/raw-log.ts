import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { renameDurably, writeFileDurably } from "../store/fs-atomic.js";
import { endpointFolder, rawDay, rawRecordSchema, type RawRecord } from "./raw-record.js";

export const RAW_DIR = "raw";
const ACTIVE_SUFFIX = ".active.jsonl";
const SEALED_SUFFIX = ".jsonl.gz";

/**
 * The raw layer of one run: `<dataset>/raw/<exchange>/<endpoint>/<day>.<runId>.<pid>.<segment>.active.jsonl`
 * while the run appends (one JSON line per record, written to the OS at once like the collector's
 * write-ahead log, so a SIGKILL loses nothing written and tears at most the last line), gzipped to
 * `....<segment>.jsonl.gz` by `seal()`, after which appends go to the next segment (a collector
 * seals every time it merges). A file belongs to one process, so runs and a collector that capture
 * side by side never write into each other's files.
 */
export class RawLog {
  private readonly open = new Map<string, number>();
  private appended = 0;
  private segment = 0;
  private bytes = 0;

  private constructor(
    readonly datasetDir: string,
    readonly runId: string,
  ) {}

  /** Opens the run's raw layer, first sealing what runs that died left behind. */
  static async open(datasetDir: string, runId: string): Promise<RawLog> {
    await sealDeadRunsRawFiles(datasetDir);
    return new RawLog(datasetDir, runId);
  }

  append(record: Omit<RawRecord, "runId">): void {
    const full: RawRecord = { runId: this.runId, ...record };
    const file = path.join(
      this.datasetDir,
      RAW_DIR,
      full.exchange,
      endpointFolder(full.endpoint),
      `${rawDay(full.receivedAt)}.${safeName(this.runId)}.${process.pid}.${this.segment}${ACTIVE_SUFFIX}`,
    );
    let fd = this.open.get(file);
    if (fd === undefined) {
      mkdirSync(path.dirname(file), { recursive: true });
      fd = openSync(file, "a");
      this.open.set(file, fd);
    }
    const line = `${JSON.stringify(full)}\n`;
    writeSync(fd, line);
    this.appended++;
    this.bytes += Buffer.byteLength(line);
  }

  /** Records appended and their uncompressed bytes, for the run report. */
  get stats(): { records: number; bytes: number } {
    return { records: this.appended, bytes: this.bytes };
  }

  /** Closes and gzips every file this run wrote. */
  async seal(): Promise<void> {
    const files = [...this.open.keys()];
    for (const fd of this.open.values()) {
      fsyncSync(fd);
      closeSync(fd);
    }
    this.open.clear();
    this.segment++;
    for (const file of files) await sealRawFile(file);
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, "_");
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Gzips an active file into its sealed name (temp file, fsync, rename) and removes it. Only whole
 * lines are kept: a torn last line of a killed writer is dropped. A kill between the rename and the
 * removal leaves both; sealing again writes the same bytes under the same name, so nothing doubles.
 */
export async function sealRawFile(activeFile: string): Promise<void> {
  const text = await readFile(activeFile, "utf8");
  const whole = text.slice(0, text.lastIndexOf("\n") + 1);
  const sealed = activeFile.slice(0, -ACTIVE_SUFFIX.length) + SEALED_SUFFIX;
  if (whole !== "") {
    const tmp = `${sealed}.${process.pid}.tmp`;
    await writeFileDurably(tmp, gzipSync(whole));
    await renameDurably(tmp, sealed);
  }
  await rm(activeFile, { force: true });
}

/** Seals the active files of processes that are gone (killed runs). */
export async function sealDeadRunsRawFiles(datasetDir: string): Promise<number> {
  let sealed = 0;
  for (const file of await listRawFiles(datasetDir, { includeActive: true })) {
    if (!file.endsWith(ACTIVE_SUFFIX)) continue;
    const pid = Number(path.basename(file).slice(0, -ACTIVE_SUFFIX.length).split(".").at(-2));
    if (Number.isInteger(pid) && isAlive(pid)) continue;
    await sealRawFile(file);
    sealed++;
  }
  return sealed;
}

export interface RawFileFilter {
  readonly exchange?: string;
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  readonly sinceDay?: string;
  readonly untilDay?: string;
  readonly includeActive?: boolean;
}

/** Raw files under `<dataset>/raw`, by exchange, endpoint and day (oldest first within a folder). */
export async function listRawFiles(datasetDir: string, filter: RawFileFilter = {}): Promise<string[]> {
  const root = path.join(datasetDir, RAW_DIR);
  const out: string[] = [];
  for (const exchange of (await listDir(root)).sort()) {
    if (filter.exchange && exchange !== filter.exchange) continue;
    for (const endpoint of (await listDir(path.join(root, exchange))).sort()) {
      const dir = path.join(root, exchange, endpoint);
      for (const name of (await listDir(dir)).sort()) {
        const sealed = name.endsWith(SEALED_SUFFIX);
        if (!sealed && !(filter.includeActive && name.endsWith(ACTIVE_SUFFIX))) continue;
        const day = name.slice(0, 10);
        if (filter.sinceDay && day < filter.sinceDay) continue;
        if (filter.untilDay && day > filter.untilDay) continue;
        out.push(path.join(dir, name));
      }
    }
  }
  return out;
}

async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** A line of a raw file that is not a record: named by file and byte offset (in the uncompressed text). */
export interface RawFileProblem {
  readonly file: string;
  readonly offset: number;
  readonly reason: string;
}

/**
 * Reads a raw file back. A torn last line (a writer killed mid-line) is counted, not reported; any
 * other line that is not a record is reported with its offset and skipped, and the rest is read.
 */
export async function readRawFile(
  file: string,
): Promise<{ records: { record: RawRecord; offset: number }[]; problems: RawFileProblem[]; torn: number }> {
  const bytes = await readFile(file);
  const text = (file.endsWith(SEALED_SUFFIX) ? gunzipSync(bytes) : bytes).toString("utf8");
  const records: { record: RawRecord; offset: number }[] = [];
  const problems: RawFileProblem[] = [];
  let torn = 0;
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf("\n", offset);
    if (end === -1) {
      torn++;
      break;
    }
    const line = text.slice(offset, end);
    try {
      const parsed = rawRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) records.push({ record: parsed.data, offset });
      else
        problems.push({
          file,
          offset,
          reason: `not a raw record: ${parsed.error.issues[0]?.message ?? "?"}`,
        });
    } catch (e) {
      problems.push({ file, offset, reason: `not JSON: ${(e as Error).message}` });
    }
    offset = end + 1;
  }
  return { records, problems, torn };
}
