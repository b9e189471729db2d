export * from "./enums.js";
export * from "./columns.js";
export * from "./tables.js";
export * from "./rows.js";
export * from "./partitions.js";
export * from "./spec.js";
export * from "./schema-version.js";
export * from "./read-files-sql.js";
