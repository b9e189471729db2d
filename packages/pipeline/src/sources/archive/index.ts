export { backfillFromArchive, describeSources, DEFAULT_ARCHIVE_URL } from "./backfill.js";
export type {
  ArchiveBackfillResult,
  BackfillFromArchiveParams,
  BackfillStore,
  SourceRange,
} from "./backfill.js";
export { planBackfill, isArchiveTable, ARCHIVE_TABLES, BACKFILL_SOURCES } from "./plan.js";
export type { BackfillPlan, BackfillSource } from "./plan.js";
export { createRestFillGap } from "./fill.js";
export { fillFromRest, missingRanges } from "./fill.js";
export type { FillGap, FillGapRequest, RestFill } from "./fill.js";
export { findGaps } from "../../store/index.js";
export type { ArchiveImport, ArchiveLeftover } from "./import.js";
export { formatArchiveReport } from "./backfill.js";
export {
  ArchiveFetchError,
  ArchiveFormatError,
  ArchiveIntegrityError,
  ArchiveNotFoundError,
  ArchiveUnsupportedError,
} from "./errors.js";
