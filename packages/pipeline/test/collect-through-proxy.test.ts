import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import {
  attachLiquidationFeed,
  startExchangeSimulator,
  startForwardProxy,
  type ExchangeSimulator,
  type ForwardProxy,
  type LiquidationFeed,
} from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectLiquidations } from "../src/collect/liquidation-collector.js";
import { REDACTED_PATHS } from "../src/log/create-logger.js";

const PASSWORD = "ws-Pr0xy-pa55-42ab";

let sim: ExchangeSimulator;
let feed: LiquidationFeed;
let proxy: ForwardProxy;
let dataset: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 9 });
  feed = attachLiquidationFeed(sim.httpServers.binance, {
    exchange: "binance",
    symbols: ["BTC/USDT:USDT"],
    seed: 9,
    everyMs: 20,
  });
  proxy = await startForwardProxy({ username: "collector", password: PASSWORD });
  dataset = await mkdtemp(path.join(tmpdir(), "cexdata-collect-proxy-"));
});
afterAll(async () => {
  await feed?.stop();
  await proxy?.stop();
  await sim?.stop();
  if (dataset) await rm(dataset, { recursive: true, force: true });
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("collect liquidations through a forward proxy", () => {
  it("streams through CEXDATA_PROXY_BINANCE: the stream lives and dies with the proxy's tunnel", async () => {
    let log = "";
    const logger = pino(
      { level: "debug", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          log += chunk.toString();
          done();
        },
      }),
    );
    const stop = new AbortController();
    const collecting = collectLiquidations({
      datasetDir: dataset,
      exchanges: ["binance"],
      bases: ["BTC"],
      mergeEveryMs: 60_000,
      env: { ...sim.env(), CEXDATA_PROXY_BINANCE: proxy.url },
      logger,
      signal: stop.signal,
    });
    await waitFor("the stream to connect", () => feed.subscribers > 0);
    await waitFor("events", () => feed.sent.length >= 20);
    const host = new URL(sim.urls.binance).host;
    expect(proxy.tunnels[host]).toBeGreaterThanOrEqual(1);
    // Stopping the proxy cuts its tunnels: a websocket that went direct would stay subscribed.
    await proxy.stop();
    await waitFor("the proxied stream to drop with the proxy", () => feed.subscribers === 0);
    stop.abort();
    const { events } = await collecting;
    expect(events).toBeGreaterThanOrEqual(1);
    expect(log).not.toContain(PASSWORD);
  });
});
