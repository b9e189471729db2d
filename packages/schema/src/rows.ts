import { z } from "zod";
import type { ColumnDef, Columns, DuckDBType } from "./columns.js";
import { TABLES, type TableName, type Tables } from "./tables.js";

type ZodOf<C> = C extends ColumnDef<DuckDBType, infer Z, boolean> ? Z : never;
type ZodShapeOf<C> = { -readonly [K in keyof C & string]: Extract<ZodOf<C[K]>, z.ZodType> };

/** The zod schema of one pipeline row of a table (snake_case keys, timestamps as epoch ms). */
export type RowSchema<T extends TableName> = z.ZodObject<ZodShapeOf<Tables[T]["columns"]>, z.core.$strict>;

function buildRowSchema(table: { readonly columns: Columns }): z.ZodObject<z.ZodRawShape, z.core.$strict> {
  const shape = Object.fromEntries(Object.entries(table.columns).map(([name, c]) => [name, c.zod]));
  return z.strictObject(shape);
}

export const ROW_SCHEMAS = Object.fromEntries(
  Object.entries(TABLES).map(([name, table]) => [name, buildRowSchema(table)]),
) as unknown as { [T in TableName]: RowSchema<T> };

/** A row as the pipeline writes it: snake_case, timestamps in epoch milliseconds UTC. */
export type Row<T extends TableName> = z.infer<RowSchema<T>>;

export type OhlcvRow = Row<"ohlcv_1m">;
export type FundingRateRow = Row<"funding_rates">;
export type OpenInterestRow = Row<"open_interest">;
export type LiquidationRow = Row<"liquidations">;
export type ExchangeInfoRow = Row<"exchange_info">;
export type TokenInfoRow = Row<"token_info">;
export type MarkOhlcvRow = Row<"mark_ohlcv_1h">;
export type PriceCandleRow = Row<"mark_ohlcv_1h"> | Row<"index_ohlcv_1h"> | Row<"premium_index_ohlcv_1h">;
export type LongShortRatioRow = Row<"long_short_ratios">;
export type CoverageRow = Row<"coverage">;
export type BookDepthRow = Row<"book_depth">;

/** `quote_volume` -> `quoteVolume`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

export function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

type ClientValue<C> =
  C extends ColumnDef<infer D, infer Z, infer N>
    ? D extends "TIMESTAMP_MS"
      ? Date | (N extends true ? null : never)
      : z.infer<Z>
    : never;

/**
 * A row as the client returns it: camelCase keys, timestamps as `Date`, numbers as `number`.
 * Derived from the column declarations, so it follows any change to a table.
 */
export type ClientRow<T extends TableName> = {
  -readonly [K in keyof Tables[T]["columns"] & string as CamelCase<K>]: ClientValue<Tables[T]["columns"][K]>;
};
