import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Dataset } from "@cexdata/client";

/** One pipeline run as its report (`runs/<id>.json`) tells it. */
export interface RunSummary {
  readonly runId: string;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly ok: boolean;
  readonly failures: number;
  readonly gaps: number;
  readonly quarantined: number;
}

/** What `/v1/status` and the data-health page show. */
export interface DatasetStatus {
  readonly source: string;
  readonly version: number;
  readonly updateTime: string;
  readonly freshness: Awaited<ReturnType<Dataset["freshness"]>>;
  readonly tables: {
    table: string;
    files: number;
    rows: number;
    bytes: number;
    gaps: number;
    coverageWindows: number;
    newestTs: string | null;
  }[];
  readonly gaps: { table: string; [key: string]: unknown }[];
  readonly coverage: { table: string; exchange: string; start: string; end: string }[];
  /** Local datasets only: the last runs, newest first, and quarantined rows per file. */
  readonly runs: RunSummary[];
  readonly quarantine: { file: string; rows: number }[];
}

const RUNS_SHOWN = 20;

async function readJsonFiles(dir: string): Promise<Record<string, unknown>[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).sort();
  const out: Record<string, unknown>[] = [];
  for (const name of names.slice(-RUNS_SHOWN)) {
    try {
      out.push(JSON.parse(await readFile(path.join(dir, name), "utf8")) as Record<string, unknown>);
    } catch {
      // A report being written (temp file + rename) or damaged is skipped, not fatal for the page.
    }
  }
  return out;
}

function summarizeRun(r: Record<string, unknown>): RunSummary {
  const tables = (r.tables ?? {}) as Record<string, Record<string, { quarantined?: number }>>;
  let quarantined = 0;
  for (const byExchange of Object.values(tables))
    for (const counts of Object.values(byExchange)) quarantined += counts.quarantined ?? 0;
  return {
    runId: String(r.runId),
    command: String(r.command),
    startedAt: String(r.startedAt),
    finishedAt: String(r.finishedAt),
    ok: r.ok === true,
    failures: Array.isArray(r.failures) ? r.failures.length : 0,
    gaps: Array.isArray(r.gaps) ? r.gaps.length : 0,
    quarantined,
  };
}

async function countQuarantine(dir: string): Promise<{ file: string; rows: number }[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(".jsonl")).sort();
  return Promise.all(
    names.map(async (file) => {
      const text = await readFile(path.join(dir, file), "utf8").catch(() => "");
      return { file, rows: text.split("\n").filter((l) => l.trim()).length };
    }),
  );
}

/** Freshness, files, gaps and coverage from spec.json; runs and quarantine from a local dataset's folders. */
export async function readDatasetStatus(dataset: Dataset): Promise<DatasetStatus> {
  const spec = await dataset.spec();
  const freshness = await dataset.freshness();
  const tables: DatasetStatus["tables"] = [];
  const gaps: DatasetStatus["gaps"] = [];
  const coverage: DatasetStatus["coverage"] = [];
  for (const [table, t] of Object.entries(spec.tables)) {
    if (!t) continue;
    const newest =
      t.files
        .map((f) => f.max_ts)
        .filter((x): x is string => !!x)
        .sort()
        .at(-1) ?? null;
    tables.push({
      table,
      files: t.files.length,
      rows: t.files.reduce((a, f) => a + f.rows, 0),
      bytes: t.files.reduce((a, f) => a + f.bytes, 0),
      gaps: t.gaps?.length ?? 0,
      coverageWindows: t.coverage?.length ?? 0,
      newestTs: newest,
    });
    for (const gap of t.gaps ?? []) gaps.push({ table, ...gap });
    for (const window of t.coverage ?? []) coverage.push({ table, ...window });
  }
  const local = dataset.source.kind === "local" ? dataset.source.root : null;
  const runs = local ? (await readJsonFiles(path.join(local, "runs"))).map(summarizeRun).reverse() : [];
  const quarantine = local ? await countQuarantine(path.join(local, "quarantine")) : [];
  return {
    source: dataset.source.label,
    version: spec.version,
    updateTime: spec.update_time,
    freshness,
    tables,
    gaps,
    coverage,
    runs,
    quarantine,
  };
}
