// Shard datasets (one per exchange, seeded from one Hub revision) merged into one dataset dir for a
// single publish: files one shard changed are copied, files several changed are merged row by row
// through the store, and token_info is derived again from the merged dataset.
export {
  mergeDatasetShards,
  type MergeDatasetShardsParams,
  type MergeDatasetShardsResult,
} from "./merge-shards.js";
