import { Dataset } from "@cexdata/client";
import { createLogger } from "@cexdata/pipeline";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { startLiveSources, type LiveOptions, type LiveSources } from "../live/start-live-sources.js";
import { TopicBus } from "../stream/topic-bus.js";
import { buildApp, type BuildAppParams } from "./build-app.js";

export interface StartServerParams extends Omit<BuildAppParams, "dataset" | "bus" | "logger" | "live"> {
  /** A Dataset, or its source: a directory, `hf://datasets/org/name` or an https base. */
  readonly dataset: Dataset | string;
  /** Cache directory when `dataset` is a source string. */
  readonly cacheDir?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: nothing outside the machine reaches the server unless asked. */
  readonly host?: string;
  /** Run the live sources (collectors, trades, candles, open interest) into the stream. */
  readonly live?: LiveOptions;
  readonly logger?: Logger;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly bus: TopicBus;
  readonly dataset: Dataset;
  readonly live: LiveSources | null;
  close(): Promise<void>;
}

/** Starts the API, the stream and the dashboard on one port; with `live`, the live sources too. */
export async function startServer(p: StartServerParams): Promise<RunningServer> {
  const logger = p.logger ?? createLogger();
  const ownsDataset = typeof p.dataset === "string";
  const dataset =
    typeof p.dataset === "string"
      ? new Dataset({
          source: p.dataset,
          ...(p.cacheDir !== undefined && { cacheDir: p.cacheDir }),
          logger: { warn: (message) => logger.warn(message) },
        })
      : p.dataset;
  const bus = new TopicBus();
  const app = await buildApp({ ...p, dataset, bus, logger, live: p.live !== undefined });
  const address = await app.listen({ port: p.port ?? 8080, host: p.host ?? "127.0.0.1" });
  const live = p.live ? startLiveSources({ ...p.live, bus, logger }) : null;
  let closing: Promise<void> | undefined;
  return {
    url: address.replace("[::1]", "localhost"),
    app,
    bus,
    dataset,
    live,
    close: () =>
      (closing ??= (async () => {
        await live?.stop();
        await app.close();
        if (ownsDataset) await dataset.close();
      })()),
  };
}
