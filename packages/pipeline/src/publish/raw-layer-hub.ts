import { openAsBlob } from "node:fs";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  commit,
  downloadFile,
  HubApiError,
  listCommits,
  listFiles,
  type CommitOperation,
} from "@huggingface/hub";
import type { Logger } from "../log/create-logger.js";
import { PublishError } from "./errors.js";
import { datasetRepo, ensureDatasetRepo, type HubParams } from "./hub-state.js";

/** The Hub's recommendation: under 100 files per commit. */
export const RAW_MAX_OPERATIONS = 100;

const RAW_CARD = `---
license: other
pretty_name: cexdata raw layer
---
# cexdata raw layer

What the exchanges forget, exactly as they sent it: every REST body fetched for history an exchange
stops serving (OKX funding after about three months and liquidation orders after a day, Binance open
interest after 30 days, ...) and every websocket message of the liquidation collector.

\`raw/<exchange>/<endpoint>/<UTC day>.<run id>.<pid>.<segment>.jsonl.gz\`: gzipped JSON lines, one per
body: \`runId\`, \`receivedAt\` (epoch ms), \`exchange\`, \`transport\` (rest | ws), \`endpoint\`, \`params\`
(the query sent; never a header or key), \`table\`, \`symbol\`, \`status\` and \`body\` (the text received).
Files are written once and never change. \`cexdata pull --raw\` seeds them into a dataset directory and
\`cexdata replay\` re-derives the cleaned tables from them with the pipeline's current parsers.
`;

async function headOf(hub: HubParams): Promise<string | null> {
  try {
    for await (const c of listCommits({ ...args(hub), batchSize: 1 })) return c.oid;
  } catch (error) {
    if (error instanceof HubApiError && error.statusCode === 404) return null;
    throw error;
  }
  return null;
}

function args(hub: HubParams) {
  return {
    repo: datasetRepo(hub.repo),
    ...(hub.accessToken ? { accessToken: hub.accessToken } : {}),
    ...(hub.hubUrl !== undefined && { hubUrl: hub.hubUrl }),
    ...(hub.fetch !== undefined && { fetch: hub.fetch }),
  };
}

/** Path -> size of every file the raw repo holds under `raw/` (and whether it has a card). */
async function listRemote(
  hub: HubParams,
  revision: string,
): Promise<{ sizes: Map<string, number>; card: boolean }> {
  const sizes = new Map<string, number>();
  let card = false;
  for await (const entry of listFiles({ ...args(hub), revision, recursive: true })) {
    if (entry.type !== "file") continue;
    if (entry.path === "README.md") card = true;
    else if (entry.path.startsWith("raw/")) sizes.set(entry.path, entry.size);
  }
  return { sizes, card };
}

/**
 * Publishes the raw layer's sealed files to a companion Hub dataset: only the files the repo lacks
 * (a file's name is unique and its bytes never change, so path and size say whether it is there),
 * in commits of at most `maxOperations`, each on top of the last (`parentCommit`). A publish stopped
 * halfway is resumed by running it again: what landed is not uploaded twice.
 */
export async function publishRawLayer(p: {
  readonly hub: HubParams;
  readonly datasetDir: string;
  /** Dataset-relative paths of the sealed raw files (`raw/...`). */
  readonly files: readonly string[];
  readonly maxOperations?: number;
  readonly logger: Logger;
}): Promise<{ uploaded: number; alreadyThere: number; commits: string[] }> {
  const max = p.maxOperations ?? RAW_MAX_OPERATIONS;
  if (!p.hub.accessToken) throw new PublishError("hub", "publishing the raw layer needs HF_TOKEN");
  await ensureDatasetRepo(p.hub);
  let head = await headOf(p.hub);
  const remote =
    head === null ? { sizes: new Map<string, number>(), card: false } : await listRemote(p.hub, head);
  const missing: string[] = [];
  for (const file of p.files) {
    const size = (await stat(path.join(p.datasetDir, file))).size;
    if (remote.sizes.get(file) !== size) missing.push(file);
  }
  const operations: (() => Promise<CommitOperation>)[] = missing.map((file) => async () => ({
    operation: "addOrUpdate",
    path: file,
    content: await openAsBlob(path.join(p.datasetDir, file)),
  }));
  if (!remote.card) {
    operations.push(async () => ({
      operation: "addOrUpdate",
      path: "README.md",
      content: new Blob([RAW_CARD]),
    }));
  }
  const commits: string[] = [];
  for (let i = 0; i < operations.length; i += max) {
    const batch = await Promise.all(operations.slice(i, i + max).map((op) => op()));
    const out = await commit({
      ...args(p.hub),
      accessToken: p.hub.accessToken,
      title: `cexdata raw layer: ${batch.length} files (${Math.floor(i / max) + 1}/${Math.ceil(operations.length / max)})`,
      operations: batch,
      ...(head !== null && { parentCommit: head }),
    });
    head = out?.commit.oid ?? head;
    if (head !== null) commits.push(head);
    p.logger.info({ commit: head, files: batch.length }, "raw layer committed");
  }
  return { uploaded: missing.length, alreadyThere: p.files.length - missing.length, commits };
}

/**
 * Seeds a dataset directory with the raw layer of a companion Hub dataset: every `raw/` file it lacks
 * (or holds at another size), written to a temp name and renamed, so a stopped pull leaves no half file.
 */
export async function pullRawLayer(p: {
  readonly hub: HubParams;
  readonly datasetDir: string;
}): Promise<{ revision: string | null; downloaded: string[] }> {
  const revision = await headOf(p.hub);
  if (revision === null) return { revision, downloaded: [] };
  const { sizes } = await listRemote(p.hub, revision);
  const downloaded: string[] = [];
  for (const [file, size] of sizes) {
    const target = path.join(p.datasetDir, file);
    // Hub paths are `raw/...` as listed; one that would leave the directory is not ours.
    if (!path.resolve(target).startsWith(path.resolve(p.datasetDir, "raw") + path.sep)) {
      throw new PublishError("hub", `refusing raw file path ${JSON.stringify(file)}: outside raw/`);
    }
    const have = await stat(target).then(
      (s) => s.size,
      () => -1,
    );
    if (have === size) continue;
    const blob = await downloadFile({ ...args(p.hub), path: file, revision });
    if (!blob) throw new PublishError("hub", `${file} is listed at ${revision} but cannot be downloaded`);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, new Uint8Array(await blob.arrayBuffer()));
    await rename(tmp, target);
    downloaded.push(file);
  }
  return { revision, downloaded };
}
