import { INTERVALS, MARKETS } from "@cexdata/schema";
import type { OhlcvOptions, SeriesOptions } from "@cexdata/client";

/** The largest `limit` a request may ask for: enough for years of hourly candles, not a memory bomb. */
export const MAX_LIMIT = 100_000;

const timeParam = {
  type: "string",
  maxLength: 40,
  description: "ISO-8601 (read as UTC) or epoch ms; start inclusive, end exclusive",
} as const;

/** Query parameters of every time-series route, as JSON Schema (Fastify validates, OpenAPI documents). */
export const seriesQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    exchange: { type: "string", maxLength: 32, description: "ccxt id; default: first listing the token" },
    quote: { type: "string", maxLength: 16, description: "quote asset; default USDT (USD on coinbase)" },
    start: timeParam,
    end: timeParam,
    limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, description: "most recent rows per series" },
    format: { type: "string", enum: ["json", "csv"], default: "json" },
  },
} as const;

export const ohlcvQuerySchema = {
  ...seriesQuerySchema,
  properties: {
    ...seriesQuerySchema.properties,
    // Left a free string so an unknown interval reaches the client and gets its named error and hints.
    interval: { type: "string", maxLength: 8, description: `one of ${INTERVALS.join(", ")}; default 1d` },
    market: { type: "string", maxLength: 8, description: `one of ${MARKETS.join(", ")}; default spot` },
    partial: {
      type: "boolean",
      description: "include the still incomplete last bucket of a resampled interval",
    },
  },
} as const;

export interface SeriesQuery {
  exchange?: string;
  quote?: string;
  start?: string;
  end?: string;
  limit?: number;
  format?: "json" | "csv";
}

export interface OhlcvQuery extends SeriesQuery {
  interval?: string;
  market?: string;
  partial?: boolean;
}

/** `1700000000000` is epoch ms; anything else goes to the client as written. */
function readTime(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  return /^\d{10,15}$/.test(value) ? Number(value) : value;
}

/** The client's options for a series query: only what the request set, so the client's defaults apply. */
export function toSeriesOptions(q: SeriesQuery): SeriesOptions {
  const start = readTime(q.start);
  const end = readTime(q.end);
  return {
    ...(q.exchange !== undefined && { exchange: q.exchange }),
    ...(q.quote !== undefined && { quote: q.quote }),
    ...(start !== undefined && { start }),
    ...(end !== undefined && { end }),
    ...(q.limit !== undefined && { limit: q.limit }),
  };
}

export function toOhlcvOptions(q: OhlcvQuery): OhlcvOptions {
  return {
    ...toSeriesOptions(q),
    ...(q.interval !== undefined && { interval: q.interval as OhlcvOptions["interval"] }),
    ...(q.market !== undefined && { market: q.market as OhlcvOptions["market"] }),
    ...(q.partial !== undefined && { partial: q.partial }),
  };
}
