export { publishDataset, type PublishDatasetParams, type PublishResult } from "./publish-dataset.js";
export { versionTag } from "./finish-publish.js";
export {
  checkLayout,
  measureLayout,
  HUB_LAYOUT_LIMITS,
  type LayoutLimits,
  type LayoutReport,
} from "./check-layout.js";
export { planCommits, type PlannedCommit } from "./plan-commits.js";
export {
  squashHistory,
  type SquashHistoryParams,
  type SquashHistoryResult,
  type SquashPlan,
} from "./squash-history.js";
export { PublishError, type PublishErrorCode } from "./errors.js";
export { renderDatasetCard, tableGlob, type DatasetCardParams } from "./dataset-card.js";
export { planPublish, mergeSpecs, sameTables, type PublishPlan, type HubSnapshot } from "./plan-publish.js";
export { readVerifiedDataset, type LocalDataset } from "../store/read-local-dataset.js";
export {
  pullDataset,
  recentPartitions,
  type PullDatasetParams,
  type PullDatasetResult,
} from "./pull-dataset.js";
