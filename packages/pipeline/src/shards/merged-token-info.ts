import { existsSync } from "node:fs";
import path from "node:path";
import { partitionPath, type DatasetSpec, type TokenInfoRow } from "@cexdata/schema";
import { deriveTokenInfo } from "../run/token-info.js";
import type { DuckDBHandle } from "../store/index.js";
import { readParquetRows } from "../store/read-parquet-rows.js";

export const TOKEN_INFO_PATH = partitionPath("token_info", {});
const EXCHANGE_INFO_PATH = partitionPath("exchange_info", {});

/**
 * token_info of a merged dataset, derived as a run derives it (`deriveTokenInfo`) but from the merged
 * exchange_info and manifest, so a base lists every exchange of every shard. The bases and names are
 * those the shards' token_info rows give (the first name found); `updated_at` is the newest of theirs.
 * Null when no exchange_info is on disk to derive from (the shards' rows are then kept as merged).
 */
export async function deriveMergedTokenInfo(p: {
  reader: DuckDBHandle;
  /** The merged dataset dir and its spec (file stats of every shard's candles). */
  outDir: string;
  spec: DatasetSpec;
  /** Dataset dirs of the shards that wrote token_info, in shard order. */
  tokenInfoDirs: readonly string[];
  /** Every shard's dataset dir, where an exchange_info no shard changed is found. */
  shardDirs: readonly string[];
}): Promise<TokenInfoRow[] | null> {
  const shardRows = (
    await Promise.all(
      p.tokenInfoDirs.map((dir) => readParquetRows(p.reader, "token_info", path.join(dir, TOKEN_INFO_PATH))),
    )
  ).flat();
  const bases = [...new Set(shardRows.map((r) => r.base))].sort();
  const names = new Map<string, string>();
  for (const r of shardRows) if (r.name !== null && !names.has(r.base)) names.set(r.base, r.name);
  const exchangeInfoFile = [p.outDir, ...p.shardDirs]
    .map((dir) => path.join(dir, EXCHANGE_INFO_PATH))
    .find((file) => existsSync(file));
  if (exchangeInfoFile === undefined) return null;
  return deriveTokenInfo({
    bases,
    exchangeInfo: await readParquetRows(p.reader, "exchange_info", exchangeInfoFile),
    spec: p.spec,
    names: (base) => names.get(base) ?? null,
    nowMs: Math.max(...shardRows.map((r) => r.updated_at)),
  });
}
