export { backfillFromArchive, describeSources, DEFAULT_ARCHIVE_URL } from "./backfill-from-archive.js";
export type {
  ArchiveBackfillResult,
  BackfillFromArchiveParams,
  BackfillStore,
  SourceRange,
} from "./backfill-from-archive.js";
export { planBackfill, isArchiveTable, ARCHIVE_TABLES, BACKFILL_SOURCES } from "./plan-backfill.js";
export type { BackfillPlan, BackfillSource } from "./plan-backfill.js";
export { createRestFillGap } from "./rest-fill-gap.js";
export { fillFromRest, missingRanges } from "./fill-from-rest.js";
export type { FillGap, FillGapRequest, RestFill } from "./fill-from-rest.js";
export { findGaps } from "./find-gaps.js";
export type { ArchiveImport, ArchiveLeftover } from "./import-archive-range.js";
export { formatArchiveReport } from "./format-archive-report.js";
export {
  ArchiveFetchError,
  ArchiveFormatError,
  ArchiveIntegrityError,
  ArchiveNotFoundError,
  ArchiveUnsupportedError,
} from "./errors.js";
