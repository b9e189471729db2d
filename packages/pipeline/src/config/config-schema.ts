import { z } from "zod";
import { MARKETS, NATIVE_INTERVALS, TABLE_NAMES, exchangeIdSchema } from "@cexdata/schema";

const dateLike = z
  .union([z.string(), z.number()])
  .refine((v) => Number.isFinite(typeof v === "number" ? v : Date.parse(v)), {
    message: "a date such as '2024-01-01', an ISO-8601 time, or epoch milliseconds",
  });

const relativeOrDate = z.union([
  z
    .string()
    .regex(/^-?\d+[mhdw]$/, "a relative span such as '3d', '12h'")
    .transform((s) => s),
  dateLike,
]);

/** The pipeline's configuration file (`cexdata.config.json`). Every field is documented in the error it gives. */
export const pipelineConfigSchema = z
  .strictObject({
    exchanges: z.array(exchangeIdSchema).min(1, "name at least one ccxt exchange id, e.g. ['binance']"),
    markets: z.array(z.enum(MARKETS)).min(1).default(["spot", "perp"]),
    bases: z
      .array(z.string().regex(/^[A-Z0-9][A-Z0-9._-]{0,31}$/, "an upper-case base asset such as 'BTC'"))
      .min(1)
      .optional(),
    /** Alternative to `bases`: the N bases listed on most of the configured exchanges. */
    top: z.number().int().positive().max(500).optional(),
    tables: z
      .array(z.enum(TABLE_NAMES as [string, ...string[]]))
      .min(1)
      .default([...TABLE_NAMES]),
    /** Candle intervals; each maps to its ohlcv table (1m -> ohlcv_1m). Defaults to every native one. */
    intervals: z
      .array(z.enum(NATIVE_INTERVALS))
      .min(1)
      .default([...NATIVE_INTERVALS]),
    /** Backfill start of a series with nothing stored: a date, or a span back from now ('3d'). */
    since: relativeOrDate.default("3d"),
    /** Cron expression for `cexdata schedule` (five or six fields, UTC). */
    schedule: z.string().min(1).default("7 * * * *"),
    /** The dataset directory. */
    dataset: z.string().min(1).default("./dataset"),
    /**
     * Binance USD-M perpetuals take whole past days from data.binance.vision (checksum-verified) even
     * when fapi answers, REST only the rest; with fapi blocked they always do.
     */
    archiveFirst: z.boolean().default(false),
    /**
     * The largest share of an exchange's trading markets that may vanish from its listing in one run;
     * more is taken for a failed or truncated listing: nothing is marked delisted and it is reported.
     */
    suspectListingShare: z.number().min(0).max(1).default(0.5),
    /**
     * Series fetched at once per exchange, sharing its rate limiter: with network latency one at a
     * time leaves the exchange's limit unused while each request travels.
     */
    concurrency: z.number().int().positive().max(16).default(4),
  })
  .refine((c) => !(c.bases && c.top), { message: "give either 'bases' or 'top', not both", path: ["top"] });

export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;

/** Used when no config file is given: quick to run, every table of the four exchanges. */
export const DEFAULT_CONFIG: PipelineConfigInput = {
  exchanges: ["binance", "okx", "bybit", "coinbase"],
  markets: ["spot", "perp"],
  bases: ["BTC", "ETH"],
  tables: [...TABLE_NAMES],
  intervals: [...NATIVE_INTERVALS],
  since: "3d",
  schedule: "7 * * * *",
  dataset: "./dataset",
};

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `since` as epoch ms: a relative span counts back from `nowMs`. */
export function resolveSince(since: string | number, nowMs: number): number {
  if (typeof since === "number") return since;
  const rel = /^-?(\d+)([mhdw])$/.exec(since);
  if (rel) return nowMs - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  return Date.parse(since);
}
