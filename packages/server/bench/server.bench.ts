/**
 * Server targets from the design: a warm `/v1/tokens/BTC/ohlcv` against a bare Fastify route sending
 * the same bytes (requests/s and p99 latency, same client, same concurrency), and WebSocket fan-out of
 * one event to 1,000 subscribers (p99 delivery lag) against a bare `ws` server broadcasting the same
 * text. BENCH_SHORT=1: a one-day dataset, short runs, 100 subscribers.
 */
import { Agent, request } from "node:http";
import { rm } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Fastify from "fastify";
import { pino } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import { benchShort, reportBench } from "../../../bench/report.js";
import { startServer } from "../src/index.js";
import { writePipelineDataset } from "../test/support/pipeline-dataset.js";

const DURATION_MS = benchShort ? 300 : 3000;
const CONCURRENCY = 8;
const SUBSCRIBERS = benchShort ? 100 : 1000;
const EVENTS = benchShort ? 10 : 100;

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** CONCURRENCY keep-alive loops GETting `url` for DURATION_MS: requests/s and p99 latency (ms). */
async function load(url: string): Promise<{ perSecond: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const until = performance.now() + DURATION_MS;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      request(url, { agent }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`${url}: ${res.statusCode}`));
          latencies.push(performance.now() - started);
          resolve();
        });
      })
        .on("error", reject)
        .end();
    });
  const began = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) await once();
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  agent.destroy();
  return { perSecond: latencies.length / seconds, p99: quantile(latencies, 0.99) };
}

/** SUBSCRIBERS sockets on `url`; `publish(text)` EVENTS times; the p99 lag from publish to receipt (ms). */
async function fanOut(url: string, subscribe: string | null, publish: (t: number) => void): Promise<number> {
  const lags: number[] = [];
  const sockets = await Promise.all(
    Array.from(
      { length: SUBSCRIBERS },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.on("message", (data) => {
            const m = JSON.parse(data.toString()) as { op: string; data?: { t: number } };
            if (m.op === "subscribed") return resolve(ws);
            if (m.op === "event" && m.data) lags.push(performance.now() - m.data.t);
          });
          ws.on("open", () => (subscribe ? ws.send(subscribe) : resolve(ws)));
          ws.on("error", reject);
        }),
    ),
  );
  for (let i = 0; i < EVENTS; i++) {
    publish(performance.now());
    await new Promise((r) => setTimeout(r, 20));
  }
  const expected = SUBSCRIBERS * EVENTS;
  const until = Date.now() + 30_000;
  while (lags.length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  if (lags.length < expected) throw new Error(`only ${lags.length} of ${expected} deliveries`);
  for (const ws of sockets) ws.terminate();
  return quantile(lags, 0.99);
}

const dir = await writePipelineDataset({ exchanges: ["binance"], bases: ["BTC"], days: benchShort ? 1 : 3 });
const server = await startServer({
  dataset: dir,
  cacheDir: path.join(dir, ".cache"),
  port: 0,
  logger: pino({ level: "warn" }),
  rateLimitPerMinute: 0,
});
const bare = Fastify();
try {
  const route = "/v1/tokens/BTC/ohlcv?interval=1h";
  const body = await (await fetch(`${server.url}${route}`)).text();
  bare.get("/v1/tokens/BTC/ohlcv", (_req, reply) => reply.type("application/json; charset=utf-8").send(body));
  const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });
  // Interleaved, twice each, best run kept: both sides see the same machine state.
  const runs = {
    ours: [] as Awaited<ReturnType<typeof load>>[],
    bare: [] as Awaited<ReturnType<typeof load>>[],
  };
  for (let i = 0; i < 2; i++) {
    runs.bare.push(await load(`${bareUrl}${route}`));
    runs.ours.push(await load(`${server.url}${route}`));
  }
  const best = (xs: Awaited<ReturnType<typeof load>>[]) => ({
    perSecond: Math.max(...xs.map((x) => x.perSecond)),
    p99: Math.min(...xs.map((x) => x.p99)),
  });
  const ours = best(runs.ours);
  const baseline = best(runs.bare);
  const notes = `${body.length} bytes per answer, ${CONCURRENCY} concurrent keep-alive clients`;
  reportBench({
    name: "server warm ohlcv requests/s",
    unit: "requests/s",
    ours: ours.perSecond,
    baseline: baseline.perSecond,
    baselineName: "bare Fastify route, same bytes",
    target: ">= 0.5",
    notes,
  });
  reportBench({
    name: "server warm ohlcv p99 latency",
    unit: "ms",
    ours: ours.p99,
    baseline: baseline.p99,
    baselineName: "bare Fastify route, same bytes",
    target: "<= 2",
    notes,
  });

  // Fan-out: the same text through the bus and sessions, or straight from a bare ws server.
  const oursLag = await fanOut(
    `${server.url.replace("http", "ws")}/v1/stream`,
    JSON.stringify({ op: "subscribe", topic: "large_trades" }),
    (t) =>
      server.bus.publish("large_trades", {
        data: { t, exchange: "binance", valueUsd: 250_000 },
        valueUsd: 250_000,
      }),
  );
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  const { port } = wss.address() as { port: number };
  const bareLag = await fanOut(`ws://127.0.0.1:${port}`, null, (t) => {
    const text = JSON.stringify({
      op: "event",
      topic: "large_trades",
      data: { t, exchange: "binance", valueUsd: 250_000 },
    });
    for (const ws of wss.clients) ws.send(text);
  });
  await new Promise((r) => wss.close(r));
  reportBench({
    name: `server websocket fan-out p99 lag (${SUBSCRIBERS} subscribers)`,
    unit: "ms",
    ours: oursLag,
    baseline: bareLag,
    baselineName: "bare ws server broadcasting the same text",
    target: "<= 1.5",
    notes: `${EVENTS} events, each to every subscriber`,
  });
} finally {
  await bare.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
