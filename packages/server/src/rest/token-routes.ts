import { Token, Tokens } from "@cexdata/client";
import type { FastifyInstance } from "fastify";
import { answerCached, type RestContext } from "./answer-cached.js";
import {
  ohlcvQuerySchema,
  seriesQuerySchema,
  toOhlcvOptions,
  toSeriesOptions,
  type OhlcvQuery,
  type SeriesQuery,
} from "./query-params.js";
import { listStoredBases } from "./list-stored-bases.js";
import { rowsResponse, tableRowSchema } from "./row-schemas.js";

const baseParams = {
  type: "object",
  required: ["base"],
  properties: { base: { type: "string", maxLength: 32, description: "token (base asset), e.g. BTC" } },
} as const;

type BaseParams = { base: string };

/** The time-series tables a token can be read from, and the client method answering each. */
const SERIES_ROUTES = [
  {
    path: "funding-rates",
    table: "funding_rates",
    read: (t: Token, q: SeriesQuery) => t.fundingRates(toSeriesOptions(q)),
  },
  {
    path: "open-interest",
    table: "open_interest",
    read: (t: Token, q: SeriesQuery) => t.openInterest(toSeriesOptions(q)),
  },
  {
    path: "liquidations",
    table: "liquidations",
    read: (t: Token, q: SeriesQuery) => t.liquidations(toSeriesOptions(q)),
  },
] as const;

/** `/v1/tokens...`: every table the client reads, one route each, answered by the client's own methods. */
export function registerTokenRoutes(app: FastifyInstance, ctx: RestContext): void {
  const token = (base: string) => new Token(base, { dataset: ctx.dataset });

  app.get(
    "/v1/tokens",
    {
      schema: {
        summary: "Every token of the dataset (token_info rows)",
        tags: ["tokens"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { format: seriesQuerySchema.properties.format },
        },
        response: rowsResponse(tableRowSchema("token_info")),
      },
    },
    (request, reply) =>
      answerCached(ctx, request, reply, async () =>
        new Tokens(await listStoredBases(ctx.dataset), { dataset: ctx.dataset }).info(),
      ),
  );

  app.get<{ Params: BaseParams }>(
    "/v1/tokens/:base",
    {
      schema: {
        summary: "One token's token_info row",
        tags: ["tokens"],
        params: baseParams,
        response: { 200: tableRowSchema("token_info") },
      },
    },
    (request, reply) => answerCached(ctx, request, reply, () => token(request.params.base).info()),
  );

  app.get<{ Params: BaseParams; Querystring: OhlcvQuery }>(
    "/v1/tokens/:base/ohlcv",
    {
      schema: {
        summary: "Candles, oldest first (Token.ohlcv)",
        tags: ["tables"],
        params: baseParams,
        querystring: ohlcvQuerySchema,
        response: rowsResponse(tableRowSchema("ohlcv_1m")),
      },
    },
    (request, reply) =>
      answerCached(ctx, request, reply, () =>
        token(request.params.base).ohlcv(toOhlcvOptions(request.query)),
      ),
  );

  for (const route of SERIES_ROUTES) {
    app.get<{ Params: BaseParams; Querystring: SeriesQuery }>(
      `/v1/tokens/:base/${route.path}`,
      {
        schema: {
          summary: `${route.table} rows, oldest first`,
          tags: ["tables"],
          params: baseParams,
          querystring: seriesQuerySchema,
          response: rowsResponse(tableRowSchema(route.table)),
        },
      },
      (request, reply) =>
        answerCached(ctx, request, reply, () => route.read(token(request.params.base), request.query)),
    );
  }

  app.get<{ Params: BaseParams }>(
    "/v1/tokens/:base/markets",
    {
      schema: {
        summary: "Every market listing the token (exchange_info rows)",
        tags: ["tables"],
        params: baseParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { format: seriesQuerySchema.properties.format },
        },
        response: rowsResponse(tableRowSchema("exchange_info")),
      },
    },
    (request, reply) => answerCached(ctx, request, reply, () => token(request.params.base).markets()),
  );

  app.get<{ Params: BaseParams; Querystring: { exchange?: string } }>(
    "/v1/tokens/:base/liquidation-coverage",
    {
      schema: {
        summary: "When liquidations were being collected, per exchange (coverage windows)",
        tags: ["tables"],
        params: baseParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            exchange: seriesQuerySchema.properties.exchange,
            format: seriesQuerySchema.properties.format,
          },
        },
        response: rowsResponse({ type: "object", additionalProperties: true }),
      },
    },
    (request, reply) =>
      answerCached(ctx, request, reply, async () => {
        const t = token(request.params.base);
        await t.info();
        const exchange = request.query.exchange;
        return t.liquidationCoverage(exchange === undefined ? {} : { exchange });
      }),
  );
}
