import { DatasetUnavailableError, type Dataset } from "@cexdata/client";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ResponseCache } from "./response-cache.js";
import { Readable } from "node:stream";
import { CSV_TYPE, csvChunks, renderRows, sendRendered } from "./send-rows.js";

export interface RestContext {
  /** The one Dataset every route reads through (one DuckDB, one verified cache). */
  readonly dataset: Dataset;
  readonly cache: ResponseCache;
}

/**
 * Answers from the cache when this dataset version already answered this URL; else computes, renders
 * and keeps it. When the dataset cannot be reached, an answer cached under an older version is still
 * served (marked `x-cexdata-stale: 1`); with none, the client's DatasetUnavailableError becomes a 503.
 */
export async function answerCached(
  ctx: RestContext,
  request: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<unknown>,
): Promise<FastifyReply> {
  const format = (request.query as { format?: "json" | "csv" } | undefined)?.format;
  try {
    const { version } = await ctx.dataset.spec();
    const key = `${version}|${request.url}`;
    const hit = ctx.cache.get(key);
    if (hit) return sendRendered(reply.header("x-cexdata-cache", "hit"), hit);
    const result = await compute();
    if (format === "csv" && Array.isArray(result)) {
      // Streamed as it is formatted (a thousand lines at a time), and kept for the next asker once whole.
      const parts: string[] = [];
      const chunks = function* () {
        for (const chunk of csvChunks(result as Record<string, unknown>[])) {
          parts.push(chunk);
          yield chunk;
        }
        ctx.cache.set(key, { contentType: CSV_TYPE, body: parts.join("") });
      };
      return reply.header("x-cexdata-cache", "miss").type(CSV_TYPE).send(Readable.from(chunks()));
    }
    const rendered = renderRows(result, format);
    ctx.cache.set(key, rendered);
    return sendRendered(reply.header("x-cexdata-cache", "miss"), rendered);
  } catch (error) {
    const stale =
      error instanceof DatasetUnavailableError ? ctx.cache.findAnyVersion(request.url) : undefined;
    if (!stale) throw error;
    request.log.warn({ err: (error as Error).message }, "dataset unreachable; serving a cached answer");
    return sendRendered(reply.header("x-cexdata-stale", "1"), stale);
  }
}
