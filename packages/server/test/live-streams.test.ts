import { rm } from "node:fs/promises";
import path from "node:path";
import { Dataset, Token } from "@cexdata/client";
import {
  attachLiquidationFeed,
  attachTickerFeed,
  attachTradeFeed,
  startExchangeSimulator,
  type ExchangeSimulator,
  type FeedTicker,
  type FeedTrade,
  type LiquidationFeed,
  type StreamFeed,
} from "@cexdata/testkit";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { connectStream, type StreamClient } from "./support/stream-client.js";
import { copyDataset, startTestServer } from "./support/start-test-server.js";

// The testkit plays Binance, OKX and Bybit: REST for markets, and the liquidation, trade and ticker
// websockets ccxt.pro subscribes to. Trades and tickers carry an accelerated exchange clock (one
// simulated minute every 20 ms), so candles close and the 5m open-interest window fills in seconds.
const EXCHANGES = ["binance", "okx", "bybit"] as const;
const SYMBOLS = ["BTC/USDT:USDT"];
const SPIKE_SEQ = 260;
const t0 = Date.now();
const fastClock = () => t0 + (Date.now() - t0) * 3000;

let sim: ExchangeSimulator;
let liquidationFeeds: LiquidationFeed[];
let tradeFeeds: StreamFeed<FeedTrade>[];
let tickerFeed: StreamFeed<FeedTicker>;
let dir: string;
let server: Awaited<ReturnType<typeof startTestServer>>;
const clients: StreamClient[] = [];

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 5 });
  liquidationFeeds = EXCHANGES.map((exchange) =>
    attachLiquidationFeed(sim.httpServers[exchange], { exchange, symbols: SYMBOLS, seed: 5, everyMs: 20 }),
  );
  tradeFeeds = EXCHANGES.map((exchange) =>
    attachTradeFeed(sim.httpServers[exchange], {
      exchange,
      symbols: SYMBOLS,
      seed: 5,
      everyMs: 10,
      nowMs: fastClock,
    }),
  );
  tickerFeed = attachTickerFeed(sim.httpServers.bybit, {
    exchange: "bybit",
    symbols: SYMBOLS,
    everyMs: 10,
    nowMs: fastClock,
    spikesAt: [SPIKE_SEQ],
  });
  dir = await copyDataset(inject("datasetDir"));
  server = await startTestServer(dir, {
    live: { datasetDir: dir, bases: ["BTC"], env: sim.env(), largeTradeUsd: 100_000, mergeEveryMs: 60_000 },
  });
});
afterAll(async () => {
  for (const c of clients) c.socket.close();
  await server?.close();
  for (const feed of [...(liquidationFeeds ?? []), ...(tradeFeeds ?? []), tickerFeed]) await feed?.stop();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function subscribe(message: Record<string, unknown>): Promise<StreamClient> {
  const client = await connectStream(server.url);
  clients.push(client);
  client.send({ op: "subscribe", ...message });
  await client.waitFor("the ack", () => client.messages.some((m) => m.op === "subscribed"));
  return client;
}

const isTheJump = (s: Record<string, unknown>) => s.kind === "open_interest" && (s.value as number) > 0.05;

const byExchange = (events: Record<string, unknown>[]) =>
  Object.fromEntries(EXCHANGES.map((e) => [e, events.filter((x) => x.exchange === e).length]));

it("streams the simulators' liquidations, large trades, candles and OI spikes, with filters applied", async () => {
  const allLiquidations = await subscribe({ topic: "liquidations" });
  const bigLiquidations = await subscribe({ topic: "liquidations", minValueUsd: 500_000 });
  const okxOnly = await subscribe({ topic: "liquidations", exchange: "okx" });
  const largeTrades = await subscribe({ topic: "large_trades", minValueUsd: 100_000 });
  const huge = await subscribe({ topic: "large_trades", minValueUsd: 400_000, exchange: "bybit" });
  const candles = await subscribe({ topic: "candles:okx:BTC/USDT:USDT:1m" });
  const spikes = await subscribe({ topic: "oi_spikes" });

  await spikes.waitFor("an open-interest spike", () => spikes.events().some(isTheJump), 45_000);
  await allLiquidations.waitFor("liquidations from every exchange", () =>
    Object.values(byExchange(allLiquidations.events())).every((n) => n >= 3),
  );
  await largeTrades.waitFor("large trades from every exchange", () =>
    Object.values(byExchange(largeTrades.events())).every((n) => n >= 3),
  );
  await candles.waitFor("three closed candles", () => candles.events().length >= 3);

  // Liquidations: each one the simulator sent; filters hold.
  const sentLiquidations = liquidationFeeds.flatMap((f) => f.sent);
  for (const l of allLiquidations.events()) {
    const sent = sentLiquidations.find(
      (s) => s.exchange === l.exchange && new Date(s.ts).toISOString() === l.ts && s.price === l.price,
    );
    expect(sent, JSON.stringify(l)).toBeDefined();
    expect(l.side).toBe(sent!.side);
    expect(l.amount as number).toBeCloseTo(sent!.amount, 9);
  }
  expect(bigLiquidations.events().every((l) => (l.value as number) >= 500_000)).toBe(true);
  expect(okxOnly.events().length).toBeGreaterThan(0);
  expect(okxOnly.events().every((l) => l.exchange === "okx")).toBe(true);

  // Large trades: each one the simulator sent, worth what it says (OKX contracts times 0.01 BTC).
  const sentTrades = tradeFeeds.flatMap((f) => f.sent);
  for (const t of largeTrades.events()) {
    const sent = sentTrades.find(
      (s) => s.exchange === t.exchange && new Date(s.ts).toISOString() === t.ts && s.price === t.price,
    );
    expect(sent, JSON.stringify(t)).toBeDefined();
    expect(t.amount as number).toBeCloseTo(sent!.amount, 9);
    expect(t.valueUsd as number).toBeCloseTo(sent!.amount * sent!.price, 4);
    expect(t.valueUsd as number).toBeGreaterThanOrEqual(100_000);
  }
  expect(huge.events().every((t) => t.exchange === "bybit" && (t.valueUsd as number) >= 400_000)).toBe(true);

  // Candles: a closed 1m candle is exactly the trades OKX sent in that minute.
  const okxTrades = tradeFeeds[1]!.sent;
  for (const c of candles.events().slice(1, 3)) {
    const start = Date.parse(c.ts as string);
    const inside = okxTrades.filter((t) => t.ts >= start && t.ts < start + 60_000);
    expect(c).toMatchObject({
      exchange: "okx",
      symbol: "BTC/USDT:USDT",
      interval: "1m",
      trades: inside.length,
    });
    expect(c.open).toBe(inside[0]!.price);
    expect(c.close).toBe(inside.at(-1)!.price);
    expect(c.volume as number).toBeCloseTo(
      inside.reduce((a, t) => a + t.amount, 0),
      9,
    );
  }

  // The OI spike is the bucket where the simulator's open interest jumped.
  const jump = tickerFeed.sent.find((t) => t.seq === SPIKE_SEQ)!;
  // (Noise can cross a threshold too, as on a real exchange; the jump is the one worth 10%.)
  const spike = spikes.events().find(isTheJump)!;
  expect(spike).toMatchObject({ exchange: "bybit", symbol: "BTC/USDT:USDT" });
  const bucketMs = { "5m": 300_000, "15m": 900_000, "1h": 3_600_000 }[spike.interval as string]!;
  expect(Date.parse(spike.ts as string)).toBe(Math.floor(jump.ts / bucketMs) * bucketMs);
  expect(spike.zScore as number).toBeGreaterThanOrEqual(spike.threshold as number);
});

it("liquidations streamed live are in the dataset once the server stops (the collector's log)", async () => {
  const streamed = clients[0]!.events("liquidations");
  expect(streamed.length).toBeGreaterThan(0);
  await server.close();
  const dataset = new Dataset({ source: dir, cacheDir: path.join(dir, ".cache-check") });
  try {
    const stored = await new Token("BTC", { dataset }).liquidations({
      exchange: "bybit",
      start: t0 - 60_000,
    });
    const ids = new Set(stored.map((r) => r.id));
    const bybit = streamed.filter((l) => l.exchange === "bybit");
    expect(bybit.length).toBeGreaterThan(0);
    for (const l of bybit) expect(ids.has(l.id as string), String(l.id)).toBe(true);
    expect(
      (await new Token("BTC", { dataset }).liquidationCoverage({ exchange: "bybit" })).length,
    ).toBeGreaterThan(0);
  } finally {
    await dataset.close();
  }
});
