/**
 * Publishing to the Hub simulator (100 operations per commit, as the Hub recommends): a first publish of
 * 2,000 small Parquet-named files (200 with BENCH_SHORT=1), a daily publish rewriting a fifth of them,
 * and an unchanged one. Baseline: the bare @huggingface/hub `commit` of the same files in 100-file
 * commits, against the same simulator in the same run (no plan, no resume check, no tag).
 * Targets: files/s and bytes/s at least 0.7x the bare library's; commits per publish at the minimum
 * the limit allows (ceil((files + spec.json + card) / 100)); a daily publish of 400 files in at most 5
 * commits; an unchanged dataset in none.
 *   node --conditions=@cexdata/source --import tsx packages/pipeline/bench/publish.bench.ts
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { commit, createRepo } from "@huggingface/hub";
import {
  parseDatasetSpec,
  partitionPath,
  specColumnsOf,
  type DatasetSpec,
  type SpecFile,
} from "@cexdata/schema";
import { startHubSimulator } from "@cexdata/testkit";
import { benchShort, reportBench } from "../../../bench/report.js";
import { createLogger } from "../src/log/create-logger.js";
import { publishDataset } from "../src/publish/index.js";

const FILES = benchShort ? 200 : 2_000;
const FILE_BYTES = 16 * 1024;
const LIMIT = 100;
const BASES = FILES / 8;

/** `FILES` yearly ohlcv_1h partitions of random bytes; `changed` of them get new bytes. */
async function writeDataset(
  dir: string,
  version: number,
  previous?: DatasetSpec,
  changed = 0,
): Promise<DatasetSpec> {
  const files: SpecFile[] = [];
  const before = new Map(previous?.tables.ohlcv_1h?.files.map((f) => [f.path, f]));
  for (let i = 0; i < FILES; i++) {
    const rel = partitionPath("ohlcv_1h", {
      base: `B${i % BASES}`,
      tsMs: Date.UTC(2017 + Math.floor(i / BASES), 5, 1),
    });
    const old = before.get(rel);
    if (old && i >= changed) {
      files.push(old);
      continue;
    }
    const bytes = randomBytes(FILE_BYTES);
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), bytes);
    const year = 2017 + Math.floor(i / BASES);
    files.push({
      path: rel,
      rows: 1,
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      min_ts: new Date(Date.UTC(year, 5, 1)).toISOString(),
      max_ts: new Date(Date.UTC(year, 5, 1)).toISOString(),
    });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const spec = parseDatasetSpec({
    version,
    update_time: new Date(Date.UTC(2024, 5, version)).toISOString(),
    tables: { ohlcv_1h: { columns: specColumnsOf("ohlcv_1h"), files } },
  });
  await writeFile(path.join(dir, "spec.json"), JSON.stringify(spec, null, 2) + "\n");
  return spec;
}

const work = await mkdtemp(path.join(tmpdir(), "cexdata-bench-publish-"));
const hub = await startHubSimulator({ maxOperationsPerCommit: LIMIT });
const logger = createLogger({ level: "silent" });
try {
  const dir = path.join(work, "ds");
  const v1 = await writeDataset(dir, 1);
  const bytes = v1.tables.ohlcv_1h!.files.reduce((n, f) => n + f.bytes, 0);

  // Baseline: the same files, 100 per commit, straight through the library; run before and after ours
  // (so neither side alone pays for a cold start), the faster of the two counts.
  const paths = v1.tables.ohlcv_1h!.files.map((f) => f.path);
  const bare = async (name: string): Promise<number> => {
    const repo = { type: "dataset" as const, name };
    await createRepo({ repo, accessToken: hub.token, hubUrl: hub.url });
    const t0 = performance.now();
    for (let i = 0; i < paths.length; i += LIMIT) {
      const operations = await Promise.all(
        paths.slice(i, i + LIMIT).map(async (p) => ({
          operation: "addOrUpdate" as const,
          path: p,
          content: new Blob([await readFile(path.join(dir, p))]),
        })),
      );
      await commit({ repo, accessToken: hub.token, hubUrl: hub.url, title: `batch ${i}`, operations });
    }
    return (performance.now() - t0) / 1000;
  };
  const bareBefore = await bare("cexdata/bare-before");

  const publish = () =>
    publishDataset({
      datasetDir: dir,
      repo: "cexdata/bench",
      accessToken: hub.token,
      hubUrl: hub.url,
      logger,
    });
  const start = performance.now();
  const first = await publish();
  const seconds = (performance.now() - start) / 1000;
  const bareSeconds = Math.min(bareBefore, await bare("cexdata/bare-after"));
  const minimum = Math.ceil((FILES + 2) / LIMIT);
  const notes = `${FILES} files of ${FILE_BYTES / 1024} KiB, ${first.commits.length} commits, ${seconds.toFixed(2)} s (bare ${bareSeconds.toFixed(2)} s)`;
  reportBench({
    name: `publish ${FILES} files: files/s`,
    unit: "files/s",
    ours: FILES / seconds,
    baseline: FILES / bareSeconds,
    baselineName: "@huggingface/hub commit() of 100 files at a time, files/s",
    target: ">= 0.7",
    notes,
  });
  reportBench({
    name: `publish ${FILES} files: bytes/s`,
    unit: "bytes/s",
    ours: bytes / seconds,
    baseline: bytes / bareSeconds,
    baselineName: "@huggingface/hub commit() of 100 files at a time, bytes/s",
    target: ">= 0.7",
    notes,
  });
  reportBench({
    name: `publish ${FILES} files: commits per publish`,
    unit: "commits",
    ours: first.commits.length,
    baseline: null,
    target: `<= ${minimum}`,
  });

  const changed = Math.round(FILES / 5);
  await writeDataset(dir, 2, v1, changed);
  const daily = await publish();
  reportBench({
    name: `daily publish (${changed} of ${FILES} files rewritten): commits`,
    unit: "commits",
    ours: daily.commits.length,
    baseline: null,
    target: `<= ${Math.ceil((changed + 2) / LIMIT)}`,
  });
  const unchanged = await publish();
  reportBench({
    name: "unchanged publish: commits",
    unit: "commits",
    ours: unchanged.commits.length,
    baseline: null,
    target: "<= 0",
  });
} finally {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
}
