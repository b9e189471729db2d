export { publishDataset, type PublishDatasetParams, type PublishResult } from "./publish-dataset.js";
export { PublishError, type PublishErrorCode } from "./errors.js";
export { renderDatasetCard, tableGlob, type DatasetCardParams } from "./dataset-card.js";
export { planPublish, mergeSpecs, sameTables, type PublishPlan, type HubSnapshot } from "./plan-publish.js";
export { readVerifiedDataset, type LocalDataset } from "./local-dataset.js";
export {
  mergeDatasetShards,
  type MergeDatasetShardsParams,
  type MergeDatasetShardsResult,
} from "./merge-shards.js";
export {
  pullDataset,
  recentPartitions,
  type PullDatasetParams,
  type PullDatasetResult,
} from "./pull-dataset.js";
