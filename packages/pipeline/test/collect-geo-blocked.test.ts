import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import {
  attachLiquidationFeed,
  startExchangeSimulator,
  startGeoBlockGate,
  type ExchangeSimulator,
  type GeoBlockGate,
  type LiquidationFeed,
} from "@cexdata/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectLiquidations } from "../src/collect/index.js";

// Bybit's REST answers, but its stream host refuses the websocket handshake with CloudFront's 403,
// as it does from a US address. OKX streams as usual beside it.
let sim: ExchangeSimulator;
let feeds: LiquidationFeed[];
let streamGate: GeoBlockGate;
let dir: string;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 9 });
  feeds = (["bybit", "okx"] as const).map((exchange) =>
    attachLiquidationFeed(sim.httpServers[exchange], {
      exchange,
      symbols: ["BTC/USDT:USDT"],
      seed: 9,
      everyMs: 50,
    }),
  );
  streamGate = await startGeoBlockGate({ target: sim.urls.bybit, answer: "cloudfront-403-html" });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-collect-geo-"));
});
afterAll(async () => {
  await streamGate.stop();
  for (const feed of feeds) await feed.stop();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("a refused websocket handshake ends that exchange's stream as blocked after two tries; the others go on", async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n"))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const controller = new AbortController();
  const env = {
    ...sim.env(),
    CEXDATA_EXCHANGE_URL_BYBIT: `api.bybit.com=${sim.urls.bybit},stream.bybit.com=${streamGate.url}`,
  };
  const collecting = collectLiquidations({
    datasetDir: dir,
    exchanges: ["bybit", "okx"],
    bases: ["BTC"],
    env,
    logger: pino({ level: "info" }, sink),
    signal: controller.signal,
    mergeEveryMs: 60_000,
  });
  const blockedLine = () => lines.find((l) => String(l.msg).startsWith("blocked:"));
  await waitFor("the blocked line", () => blockedLine() !== undefined);
  await waitFor("OKX subscribed", () => feeds[1]!.subscribers > 0);
  controller.abort(new Error("test over"));
  await collecting;

  expect(streamGate.counters.refusedUpgrades).toBe(2);
  expect(blockedLine()).toMatchObject({ exchange: "bybit", status: 403 });
  expect(String(blockedLine()!.msg)).toContain("CEXDATA_PROXY_BYBIT");
  // No reconnect storm: nothing reached the gate after the stream was given up.
  expect(streamGate.counters.refused + streamGate.counters.forwarded).toBe(0);
});
