export { collectLiquidations, createProExchange } from "./liquidation-collector.js";
export type { CollectLiquidationsParams } from "./liquidation-collector.js";
export { mergeWalIntoDataset } from "./merge-wal.js";
export type { MergeWalResult } from "./merge-wal.js";
export { computeCoverage } from "./coverage-windows.js";
export { liquidationRowFrom, COLLECTABLE_EXCHANGES } from "./liquidation-rows.js";
export { WriteAheadLog, listWalFiles, readWalRecords } from "./write-ahead-log.js";
export type { WalRecord } from "./write-ahead-log.js";
