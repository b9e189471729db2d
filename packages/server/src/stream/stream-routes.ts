import type { FastifyInstance } from "fastify";
import { FIXED_TOPICS } from "./parse-client-message.js";
import { attachStreamSession, type StreamSessionOptions } from "./stream-session.js";
import type { TopicBus } from "./topic-bus.js";

/** `WS /v1/stream` and `GET /v1/stream/topics` (what is published, and how much). */
export function registerStreamRoutes(
  app: FastifyInstance,
  bus: TopicBus,
  live: boolean,
  opts: StreamSessionOptions,
): void {
  app.get(
    "/v1/stream",
    {
      websocket: true,
      schema: {
        summary:
          'WebSocket: send {"op":"subscribe","topic":"liquidations","minValueUsd":100000}; topics liquidations, large_trades, oi_spikes, candles:<exchange>:<symbol>:<1m|5m|15m|1h>',
        tags: ["stream"],
      },
    },
    (socket) => attachStreamSession(socket, bus, opts),
  );
  app.get(
    "/v1/stream/topics",
    {
      schema: {
        summary: "Whether live streams run, and events published per topic so far",
        tags: ["stream"],
        response: {
          200: {
            type: "object",
            properties: {
              live: { type: "boolean" },
              topics: { type: "array", items: { type: "string" } },
              published: { type: "object", additionalProperties: { type: "integer" } },
              subscribers: { type: "integer" },
            },
          },
        },
      },
    },
    async () => ({
      live,
      topics: [...FIXED_TOPICS, "candles:<exchange>:<symbol>:<interval>"],
      published: Object.fromEntries(bus.published),
      subscribers: bus.subscriberCount(),
    }),
  );
}
