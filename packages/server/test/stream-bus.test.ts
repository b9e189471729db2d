import type { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CLOSE_GARBAGE, CLOSE_TOO_SLOW } from "../src/index.js";
import { connectStream, waitUntil } from "./support/stream-client.js";
import { startTestServer } from "./support/start-test-server.js";

const datasetDir = inject("datasetDir");
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer(datasetDir, { stream: { maxQueued: 200, heartbeatMs: 200 } });
});
afterAll(async () => {
  await server?.close();
});

const trade = (seq: number, valueUsd: number, exchange = "binance") => ({
  data: { seq, exchange, symbol: "BTC/USDT:USDT", valueUsd, pad: "x".repeat(1000) },
  valueUsd,
  exchange,
  symbol: "BTC/USDT:USDT",
});

describe("WS /v1/stream over the topic bus", () => {
  it("acknowledges, applies filters, sends heartbeats, and unsubscribes", async () => {
    const client = await connectStream(server.url);
    client.send({ op: "subscribe", topic: "liquidations", minValueUsd: 100_000, exchange: "okx" });
    await client.waitFor("the ack", () => client.messages.some((m) => m.op === "subscribed"));
    const values = [50_000, 150_000, 99_999.99, 100_000, 2_000_000];
    for (const [i, v] of values.entries()) {
      server.bus.publish("liquidations", trade(i, v, "okx"));
      server.bus.publish("liquidations", trade(100 + i, v, "binance"));
    }
    await client.waitFor("3 events", () => client.events("liquidations").length === 3);
    expect(client.events("liquidations").map((e) => e.seq)).toEqual([1, 3, 4]);
    await client.waitFor("a heartbeat", () => client.messages.some((m) => m.op === "heartbeat"));
    client.send({ op: "unsubscribe", topic: "liquidations" });
    await client.waitFor("the unsubscribe ack", () => client.messages.some((m) => m.op === "unsubscribed"));
    server.bus.publish("liquidations", trade(9, 1e9, "okx"));
    client.send({ op: "ping" });
    await client.waitFor("pong", () => client.messages.some((m) => m.op === "pong"));
    expect(client.events("liquidations")).toHaveLength(3);
    client.socket.close();
  });

  it("a deliberately slow subscriber is dropped and told why, while a fast one loses nothing", async () => {
    const fast = await connectStream(server.url);
    const slow = await connectStream(server.url);
    try {
      for (const c of [fast, slow]) {
        c.send({ op: "subscribe", topic: "large_trades" });
        await c.waitFor("the ack", () => c.messages.some((m) => m.op === "subscribed"));
      }
      // The slow one stops reading: TCP fills, and its queue on the server grows.
      (slow.socket as WebSocket & { _socket: { pause(): void; resume(): void } })._socket.pause();
      const total = 20_000;
      for (let seq = 0; seq < total; seq++) {
        server.bus.publish("large_trades", trade(seq, 200_000));
        // Let sockets flush now and then, as a real publisher's events arrive over time.
        if (seq % 200 === 199) await new Promise((r) => setImmediate(r));
      }
      await waitUntil("the slow one dropped", () => server.bus.subscriberCount("large_trades") === 1);
      (slow.socket as WebSocket & { _socket: { resume(): void } })._socket.resume();
      const closed = await slow.closed;
      expect(closed.code).toBe(CLOSE_TOO_SLOW);
      expect(closed.reason).toMatch(/too slow/);
      expect(slow.events().length).toBeLessThan(total);
      await fast.waitFor("every event", () => fast.events().length === total);
      expect(fast.events().map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
    } finally {
      fast.socket.close();
      slow.socket.terminate();
    }
  });

  it("10,000 subscribe/unsubscribe cycles leave no subscription, topic or listener behind", async () => {
    const serverSockets = () => [...server.app.websocketServer.clients];
    await waitUntil("earlier tests' sockets gone", () => serverSockets().length === 0);
    const client = await connectStream(server.url);
    const listeners = () =>
      serverSockets().map((ws) =>
        ws
          .eventNames()
          .map((e) => `${String(e)}:${ws.listenerCount(e)}`)
          .join(","),
      );
    await waitUntil("the server side open", () => serverSockets().length === 1);
    const before = {
      listeners: listeners(),
      subscriptions: server.bus.subscriberCount(),
      topics: server.bus.activeTopics,
    };
    const topics = [
      "liquidations",
      "large_trades",
      "oi_spikes",
      "candles:binance:BTC/USDT:USDT:1m",
      "candles:okx:ETH/USDT:USDT:5m",
    ];
    for (let i = 0; i < 10_000; i++) {
      const topic = topics[i % topics.length]!;
      client.send({ op: "subscribe", topic, minValueUsd: i });
      client.send({ op: "unsubscribe", topic });
    }
    await client.waitFor(
      "10,000 unsubscribe acks",
      () => client.messages.filter((m) => m.op === "unsubscribed").length === 10_000,
    );
    expect(server.bus.subscriberCount()).toBe(before.subscriptions);
    expect(server.bus.activeTopics).toBe(before.topics);
    expect(listeners()).toEqual(before.listeners);
    client.socket.close();
    await client.closed;
    await waitUntil("the socket gone", () => serverSockets().length === 0);
    expect(before.subscriptions).toBe(0);
    expect(server.bus.subscriberCount()).toBe(0);
  });

  it.each([
    ["not JSON", "hello there", /StreamProtocolError: message is not JSON/],
    ["a JSON array", "[1,2]", /not a JSON object/],
    ["an unknown op", JSON.stringify({ op: "drop_tables" }), /unknown op/],
    [
      "a negative filter",
      JSON.stringify({ op: "subscribe", topic: "liquidations", minValueUsd: -1 }),
      /minValueUsd/,
    ],
    ["a huge message", "x".repeat(10_000), /over 4096 bytes/],
  ])("garbage (%s) closes the socket with a reason", async (_what, garbage, reason) => {
    const client = await connectStream(server.url);
    client.send(garbage);
    const closed = await client.closed;
    expect(closed.code).toBe(CLOSE_GARBAGE);
    expect(closed.reason).toMatch(reason);
  });

  it("an unknown topic is answered with a named error; the socket stays open", async () => {
    const client = await connectStream(server.url);
    client.send({ op: "subscribe", topic: "candles:binance:BTC/USDT:7m" });
    await client.waitFor("the error", () => client.messages.some((m) => m.op === "error"));
    expect(client.messages.find((m) => m.op === "error")).toMatchObject({ error: "UnknownTopicError" });
    client.send({ op: "subscribe", topic: "oi_spikes" });
    await client.waitFor("the ack", () => client.messages.some((m) => m.op === "subscribed"));
    client.socket.close();
  });
});
