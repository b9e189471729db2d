import { z } from "zod";
import { exchangeIdSchema } from "./enums.js";
import { parsePartitionPath } from "./partitions.js";
import { assertReadableSchema, SCHEMA_VERSION_PATTERN } from "./schema-version.js";
import { TABLES, tableNameSchema, type TableName } from "./tables.js";

/** ISO-8601 UTC with a `Z`, as `new Date().toISOString()` writes it. */
export const isoUtcSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, "an ISO-8601 UTC time ending in Z");

/**
 * A path inside the dataset. Anything that could escape it (`..`, absolute paths, backslashes,
 * empty segments) is refused, so a manifest can never make a reader touch a file outside its cache.
 */
export const datasetPathSchema = z
  .string()
  .min(1)
  .max(512)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p), "must be relative, not absolute")
  .refine((p) => !p.includes("\\"), "must use forward slashes only")
  .refine(
    (p) => !p.split("/").some((s) => s === ".." || s === "." || s === ""),
    "must not contain '..', '.' or empty segments",
  )
  .refine(
    (p) => parsePartitionPath(p) !== null,
    "must be a partition file data/<table>/[base=<BASE>/]<period>.parquet",
  );

export const specFileSchema = z.strictObject({
  path: datasetPathSchema,
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits"),
  min_ts: isoUtcSchema.nullable(),
  max_ts: isoUtcSchema.nullable(),
});
export type SpecFile = z.infer<typeof specFileSchema>;

export const specColumnSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1),
  nullable: z.boolean(),
});

/**
 * A stretch of a series the exchange never served (outages), or no longer kept when it was asked
 * (a run started after the source's horizon had passed it): listed, never invented. `missing` counts
 * candles or periods (open interest); for event tables (funding_rates, liquidations), which cannot
 * know how many events a stretch held, the hours it spans.
 */
export const specGapSchema = z.strictObject({
  exchange: exchangeIdSchema,
  symbol: z.string().min(1),
  market: z.string().optional(),
  start: isoUtcSchema,
  end: isoUtcSchema,
  missing: z.number().int().positive(),
});
export type SpecGap = z.infer<typeof specGapSchema>;

/** A time window in which a collector was connected: "no liquidations" versus "not listening". */
export const specCoverageSchema = z.strictObject({
  exchange: exchangeIdSchema,
  start: isoUtcSchema,
  end: isoUtcSchema,
});
export type SpecCoverage = z.infer<typeof specCoverageSchema>;

// Forward compatibility: the manifest objects a newer pipeline may extend (the top level, a table, a
// freshness entry) are plain `z.object`s, which drop keys they do not know instead of refusing the
// whole spec, so a published client keeps reading datasets written after it. What a reader acts on is
// still validated: files (paths, sizes, hashes), columns, gaps and coverage stay strict, since an
// unknown key there could change how a file must be read.
export const specTableSchema = z.object({
  columns: z.array(specColumnSchema),
  files: z.array(specFileSchema),
  gaps: z.array(specGapSchema).optional(),
  coverage: z.array(specCoverageSchema).optional(),
});
export type SpecTable = z.infer<typeof specTableSchema>;

/** Why a table/exchange is not being fetched: the exchange refuses the runner's location. */
export const specBlockedSchema = z.object({
  /** When a run first found it blocked (kept while it stays blocked). */
  since: isoUtcSchema,
  /** The refusing host, e.g. `fapi.binance.com`. */
  host: z.string().min(1).max(253),
  /** What to do about it, in a sentence. */
  remedy: z.string().max(1000),
});
export type SpecBlocked = z.infer<typeof specBlockedSchema>;

/**
 * How fresh one table of one exchange is: the last run that fetched any of its series, the newest
 * `ts` stored for that exchange, and whether the exchange refuses the runner. `table` is any string,
 * not the table enum, so a table added later does not make older readers refuse the spec.
 */
export const specFreshnessSchema = z.object({
  table: z.string().min(1).max(64),
  exchange: exchangeIdSchema,
  last_success_at: isoUtcSchema.optional(),
  newest_ts: isoUtcSchema.optional(),
  blocked: specBlockedSchema.optional(),
});
export type SpecFreshness = z.infer<typeof specFreshnessSchema>;

export const datasetSpecSchema = z
  .object({
    version: z.number().int().positive(),
    /** The contract's version (`MAJOR.MINOR`, see schema-version.ts); absent in specs written before 1.1. */
    schema_version: z.string().regex(SCHEMA_VERSION_PATTERN, "MAJOR.MINOR, e.g. 1.1").optional(),
    update_time: isoUtcSchema,
    // Keys are checked below rather than by an enum key schema, so the error names the bad table.
    tables: z.record(z.string(), specTableSchema),
    /** Absent in specs written before freshness was recorded. */
    freshness: z.array(specFreshnessSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    const entries = new Set<string>();
    spec.freshness?.forEach((entry, i) => {
      const key = `${entry.table}\u0001${entry.exchange}`;
      if (entries.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: ["freshness", i],
          message: `lists ${entry.table} on ${entry.exchange} twice`,
        });
      }
      entries.add(key);
    });
    for (const [table, def] of Object.entries(spec.tables)) {
      if (!tableNameSchema.safeParse(table).success) {
        ctx.addIssue({ code: "custom", path: ["tables", table], message: `is not a table of the dataset` });
        continue;
      }
      const seen = new Set<string>();
      def?.files.forEach((file, i) => {
        if (parsePartitionPath(file.path)?.table !== table) {
          ctx.addIssue({
            code: "custom",
            path: ["tables", table, "files", i, "path"],
            message: `is not a file of table ${table}`,
          });
        }
        if (seen.has(file.path)) {
          ctx.addIssue({
            code: "custom",
            path: ["tables", table, "files", i, "path"],
            message: "is listed twice",
          });
        }
        seen.add(file.path);
      });
    }
  });
export type DatasetSpec = Omit<z.infer<typeof datasetSpecSchema>, "tables"> & {
  tables: Partial<Record<TableName, SpecTable>>;
};

/** The `columns` entry of a table in spec.json, straight from its declaration. */
export function specColumnsOf(table: TableName): SpecTable["columns"] {
  return Object.entries(TABLES[table].columns).map(([name, c]) => ({
    name,
    type: c.type,
    nullable: c.nullable,
  }));
}

export class SpecValidationError extends Error {
  override readonly name = "SpecValidationError";
  constructor(
    message: string,
    /** Dotted path of the first offending field, e.g. `tables.ohlcv_1m.files.0.sha256`. */
    readonly field: string,
  ) {
    super(message);
  }
}

export interface ParseSpecOptions {
  /**
   * `refuse` (the pipeline, which rewrites spec.json and must not lose a table it does not know):
   * a table name outside the schema is an error. `ignore` (readers): such a table is left out of
   * the result, so a client keeps reading a dataset that a newer pipeline added tables to.
   */
  readonly unknownTables?: "refuse" | "ignore";
}

/** Validates a parsed spec.json; the error names the field that is wrong. */
export function parseDatasetSpec(value: unknown, options: ParseSpecOptions = {}): DatasetSpec {
  // A newer major may mean anything: refused before the rest is read against this schema.
  const stated = (value as { schema_version?: unknown } | null)?.schema_version;
  if (typeof stated === "string" && SCHEMA_VERSION_PATTERN.test(stated)) assertReadableSchema(stated);
  if (options.unknownTables === "ignore") value = withoutUnknownTables(value);
  const result = datasetSpecSchema.safeParse(value);
  if (result.success) return result.data as DatasetSpec;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "(root)";
  throw new SpecValidationError(`spec.json: ${field}: ${issue.message}`, field);
}

function withoutUnknownTables(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const tables = (value as { tables?: unknown }).tables;
  if (tables === null || typeof tables !== "object" || Array.isArray(tables)) return value;
  const known = Object.entries(tables).filter(([name]) => tableNameSchema.safeParse(name).success);
  return { ...value, tables: Object.fromEntries(known) };
}
