export { validateRows, buildKeyOf, SHAPE_REASONS, DUPLICATE_REASON } from "./validate-rows.js";
export type { RejectedRow, ValidationResult } from "./validate-rows.js";
export { VALIDATION_RULES, rulesOf, ruleViolationSql, intervalMsOf } from "./rules.js";
export type { RowSource, ValidationContext, ValidationRule } from "./rules.js";
export { appendQuarantine, quarantinePath, InvalidRunIdError } from "./append-quarantine.js";
