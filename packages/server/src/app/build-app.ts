import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import type { Dataset } from "@cexdata/client";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import { registerIndicatorRoutes } from "../rest/indicator-routes.js";
import { ResponseCache } from "../rest/response-cache.js";
import { registerStatusRoutes } from "../rest/status-routes.js";
import { registerTokenRoutes } from "../rest/token-routes.js";
import { registerStreamRoutes } from "../stream/stream-routes.js";
import type { StreamSessionOptions } from "../stream/stream-session.js";
import type { TopicBus } from "../stream/topic-bus.js";
import { describeError, NotFoundError, RateLimitedError } from "../rest/http-errors.js";

export interface BuildAppParams {
  readonly dataset: Dataset;
  readonly bus: TopicBus;
  readonly logger: Logger;
  /** Whether live sources feed the bus (shown by /v1/stream/topics and the live page). */
  readonly live?: boolean;
  /** Origins allowed by CORS; none (the default) sends no CORS headers at all. */
  readonly corsOrigins?: readonly string[];
  /** Requests per minute per client address (default 600); 0 turns the limit off. */
  readonly rateLimitPerMinute?: number;
  /** The built dashboard (default: this package's dist/dashboard). */
  readonly dashboardDir?: string;
  readonly stream?: StreamSessionOptions;
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_DASHBOARD_DIR = path.join(packageRoot, "dist", "dashboard");
const STREAM_PATH = {
  "/v1/stream": {
    get: {
      summary:
        'WebSocket. Send {"op":"subscribe","topic":"liquidations","minValueUsd":100000} (also exchange, symbol filters); topics liquidations, large_trades, oi_spikes, candles:<exchange>:<symbol>:<1m|5m|15m|1h>. Server sends subscribed, event, heartbeat, unsubscribed, error; garbage closes the socket (1008), a subscriber too slow is dropped (4008).',
      tags: ["stream"],
      responses: { "101": { description: "switching protocols to WebSocket" } },
    },
  },
};
const DASHBOARD_PAGES = /^\/($|tokens\/[^/]+$|live$|data-health$)/;

/** The whole HTTP surface on one Fastify instance: REST, OpenAPI and /docs, the stream, the dashboard. */
export async function buildApp(p: BuildAppParams): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: p.logger as FastifyBaseLogger,
    // Path parameters are short; anything past this is refused before a route sees it.
    routerOptions: { maxParamLength: 200 },
    // A bad URL or an over-long path parameter is refused by the router: same named-error body as the rest.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      const name = status === 414 ? "UriTooLongError" : "InvalidParameterError";
      void (reply as FastifyReply)
        .code(status)
        .send({ error: name, message: error.message, statusCode: status });
    },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  });
  await app.register(swagger, {
    // @fastify/swagger leaves websocket routes out; the stream is part of the API, so it is added here.
    transformObject: (doc) => {
      const openapi = (doc as { openapiObject: { paths?: Record<string, unknown> } }).openapiObject;
      return { ...openapi, paths: { ...openapi.paths, ...STREAM_PATH } } as never;
    },
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "cexdata API",
        version: "0.1.0",
        description:
          "Read-only REST over the cexdata dataset (rows exactly as @cexdata/client returns them, `ts` as ISO-8601 UTC) and live streams.",
      },
      paths: {},
      tags: [
        { name: "tokens" },
        { name: "tables" },
        { name: "indicators" },
        { name: "status" },
        { name: "stream" },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  if (p.corsOrigins && p.corsOrigins.length > 0) await app.register(cors, { origin: [...p.corsOrigins] });
  if ((p.rateLimitPerMinute ?? 600) > 0) {
    await app.register(rateLimit, {
      max: p.rateLimitPerMinute ?? 600,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) =>
        new RateLimitedError(
          `rate limit: at most ${context.max} requests per minute; retry in ${context.after}`,
        ),
    });
  }
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.setErrorHandler((error, request, reply) => {
    const body = describeError(error);
    if (body.statusCode >= 500) request.log.error({ err: error }, body.message);
    reply.code(body.statusCode).send(body);
  });

  const dashboardDir = p.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
  const hasDashboard = existsSync(path.join(dashboardDir, "index.html"));
  if (hasDashboard) {
    await app.register(fastifyStatic, {
      root: dashboardDir,
      prefix: "/",
      index: ["index.html"],
      wildcard: false,
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split("?")[0] ?? "";
    if (hasDashboard && request.method === "GET" && DASHBOARD_PAGES.test(pathname)) {
      return reply.sendFile("index.html");
    }
    const body = describeError(new NotFoundError(`no route ${request.method} ${pathname.slice(0, 100)}`));
    return reply.code(404).send(body);
  });

  const ctx = { dataset: p.dataset, cache: new ResponseCache() };
  await app.register(async (scope) => {
    registerStatusRoutes(scope, ctx, new Date());
    registerTokenRoutes(scope, ctx);
    registerIndicatorRoutes(scope, ctx);
    registerStreamRoutes(scope, p.bus, p.live ?? false, p.stream ?? {});
    scope.get("/openapi.json", { schema: { summary: "This OpenAPI document", tags: ["status"] } }, async () =>
      app.swagger(),
    );
  });
  return app;
}
