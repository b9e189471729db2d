export { ingestRows, storeSink, emptyCounts } from "./ingest-rows.js";
export type {
  IngestSink,
  IngestCounts,
  IngestInput,
  IngestParams,
  IngestResult,
  CheckedQuery,
  StagingTarget,
} from "./ingest-rows.js";
