import type { ClientRow } from "@cexdata/schema";
import { findCloseMatches } from "@cexdata/sql-templates";
import { Token, Tokens, type Interval } from "@cexdata/client";
import type { FastifyInstance } from "fastify";
import { NotFoundError } from "./http-errors.js";
import { answerCached, type RestContext } from "./answer-cached.js";
import { computeIndicator, INDICATOR_NAMES, type IndicatorName } from "./compute-indicator.js";
import { ohlcvQuerySchema, toOhlcvOptions, type OhlcvQuery } from "./query-params.js";
import { errorResponseSchema } from "./row-schemas.js";

interface IndicatorQuery extends OhlcvQuery {
  period?: number;
  window?: number;
  bins?: number;
  kind?: "simple" | "log";
  with?: string;
}

const indicatorQuerySchema = {
  ...ohlcvQuerySchema,
  properties: {
    ...ohlcvQuerySchema.properties,
    period: { type: "integer", minimum: 1, maximum: 1000, description: "rsi, atr, bollinger window" },
    window: {
      type: "integer",
      minimum: 1,
      maximum: 10_000,
      description: "volatility and rolling vwap window",
    },
    bins: { type: "integer", minimum: 1, maximum: 1000, description: "volume-profile bins" },
    kind: { type: "string", enum: ["simple", "log"], description: "returns and correlation" },
    with: {
      type: "string",
      maxLength: 200,
      description: "correlation: other tokens, comma-separated (each on its own default exchange)",
    },
  },
} as const;

/** `/v1/tokens/{base}/indicators/{name}`: the client's analytics over the token's candles. */
export function registerIndicatorRoutes(app: FastifyInstance, ctx: RestContext): void {
  app.get<{ Params: { base: string; name: string }; Querystring: IndicatorQuery }>(
    "/v1/tokens/:base/indicators/:name",
    {
      schema: {
        summary: `An indicator over the token's candles: ${INDICATOR_NAMES.join(", ")}`,
        tags: ["indicators"],
        params: {
          type: "object",
          required: ["base", "name"],
          properties: {
            base: { type: "string", maxLength: 32 },
            name: { type: "string", maxLength: 32, description: INDICATOR_NAMES.join(", ") },
          },
        },
        querystring: indicatorQuerySchema,
        response: {
          200: {
            description: "rows {ts, value...} per candle; one object for correlation and volume-profile",
            anyOf: [
              { type: "array", items: { type: "object", additionalProperties: true } },
              { type: "object", additionalProperties: true },
            ],
          },
          400: errorResponseSchema,
          404: errorResponseSchema,
          503: errorResponseSchema,
        },
      },
    },
    (request, reply) => {
      const { base, name } = request.params;
      if (!(INDICATOR_NAMES as readonly string[]).includes(name)) {
        throw new NotFoundError(`unknown indicator ${JSON.stringify(name.slice(0, 32))}`, {
          didYouMean: findCloseMatches(name, INDICATOR_NAMES),
        });
      }
      return answerCached(ctx, request, reply, async () => {
        const q = request.query;
        const options = toOhlcvOptions(q);
        const candles = await new Token(base, { dataset: ctx.dataset }).ohlcv(options);
        const others: Record<string, ClientRow<"ohlcv_1m">[]> = {};
        if (name === "correlation" && q.with) {
          const bases = q.with
            .split(",")
            .map((b) => b.trim())
            .filter(Boolean);
          const { exchange: _exchange, ...shared } = options;
          const rows = await new Tokens(bases, { dataset: ctx.dataset }).ohlcv(shared);
          for (const row of rows) (others[row.base] ??= []).push(row);
        }
        return computeIndicator(
          name as IndicatorName,
          { candles, interval: (q.interval ?? "1d") as Interval, base: base.toUpperCase(), others },
          q,
        );
      });
    },
  );
}
