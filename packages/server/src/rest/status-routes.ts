import type { FastifyInstance } from "fastify";
import { answerCached, type RestContext } from "./answer-cached.js";
import { readDatasetStatus } from "./read-status.js";
import { errorResponseSchema } from "./row-schemas.js";

const loose = { type: "object", additionalProperties: true } as const;

/** `/health` (the process) and `/v1/status` (the dataset: freshness, runs, gaps, quarantine, coverage). */
export function registerStatusRoutes(app: FastifyInstance, ctx: RestContext, startedAt: Date): void {
  app.get(
    "/health",
    {
      schema: {
        summary: "The process is up (does not touch the dataset)",
        tags: ["status"],
        response: {
          200: { type: "object", properties: { ok: { type: "boolean" }, startedAt: { type: "string" } } },
        },
      },
    },
    async () => ({ ok: true, startedAt: startedAt.toISOString() }),
  );
  app.get(
    "/v1/status",
    {
      schema: {
        summary:
          "Dataset health: version, freshness per table and exchange, runs, gaps, quarantine, coverage",
        tags: ["status"],
        response: { 200: loose, 503: errorResponseSchema },
      },
    },
    (request, reply) => answerCached(ctx, request, reply, () => readDatasetStatus(ctx.dataset)),
  );
}
