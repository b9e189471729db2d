import type { Server } from "node:http";
import type { WebSocket } from "ws";
import { makeFeedLiquidation, type FeedLiquidation } from "./feed-events.js";
import { joinSharedSocketServer } from "./shared-socket-server.js";
import { WIRE_PROTOCOLS, type FeedExchange } from "./wire-formats.js";

export interface LiquidationFeedOptions {
  readonly exchange: FeedExchange;
  /** Unified perpetual symbols the feed emits for, round-robin. */
  readonly symbols: readonly string[];
  readonly seed?: number;
  /** One event every this many ms while anyone is subscribed (default 25). */
  readonly everyMs?: number;
  readonly nowMs?: () => number;
}

/** What the collector tests compare against: the events a subscribed socket was actually sent. */
export interface LiquidationFeed {
  /** Every event written to at least one subscribed socket (in send order, give or take a callback). */
  readonly sent: readonly FeedLiquidation[];
  /** Windows [start, end] in which at least one socket was subscribed. */
  readonly connectedWindows: readonly { start: number; end: number | null }[];
  /** Close every socket abruptly (no close frame), as a dropped connection looks to a client. */
  dropConnections(): void;
  /** The next `n` pushes are malformed (invalid JSON, then a negative price); they are not counted as sent. */
  malformNext(n: number): void;
  readonly subscribers: number;
  stop(): Promise<void>;
}

/**
 * A test double of one exchange's public liquidation websocket, attached to the exchange
 * simulator's HTTP server (same host and port, as ccxt's URL override expects).
 */
export function attachLiquidationFeed(server: Server, opts: LiquidationFeedOptions): LiquidationFeed {
  const wire = WIRE_PROTOCOLS[opts.exchange];
  const nowMs = opts.nowMs ?? Date.now;
  const clients = new Set<WebSocket>();
  const subscribed = new Set<WebSocket>();
  const sent: FeedLiquidation[] = [];
  const windows: { start: number; end: number | null }[] = [];
  let seq = 0;
  let malformed = 0;

  const unsubscribe = (ws: WebSocket): void => {
    if (!subscribed.delete(ws)) return;
    const open = windows.at(-1);
    if (subscribed.size === 0 && open && open.end === null) open.end = nowMs();
  };

  const leave = joinSharedSocketServer(server, wire.acceptsPath, (ws) => {
    clients.add(ws);
    ws.on("message", (data) => {
      const answer = wire.answer(data.toString());
      if (answer?.reply !== undefined) ws.send(answer.reply);
      if (answer?.subscribed && !subscribed.has(ws)) {
        if (subscribed.size === 0) windows.push({ start: nowMs(), end: null });
        subscribed.add(ws);
      }
    });
    ws.on("close", () => (clients.delete(ws), unsubscribe(ws)));
    ws.on("error", () => unsubscribe(ws));
  });

  const timer = setInterval(() => {
    if (subscribed.size === 0) return;
    const symbol = opts.symbols[seq % opts.symbols.length]!;
    const event = makeFeedLiquidation(opts.seed ?? 1, opts.exchange, symbol, seq++, nowMs());
    let text = wire.encode(event);
    if (malformed > 0) {
      text =
        malformed % 2 === 1
          ? text.slice(0, Math.floor(text.length / 2))
          : text.replace(String(event.price), "-1");
      malformed--;
    }
    // An event counts as sent once a socket has handed it to the OS: a frame still buffered when a
    // connection is dropped never reaches the client, and is not counted.
    const genuine = text === wire.encode(event);
    let counted = false;
    for (const ws of subscribed) {
      if (ws.readyState !== ws.OPEN) continue;
      ws.send(text, (error) => {
        if (error || !genuine || counted) return;
        counted = true;
        sent.push(event);
      });
    }
  }, opts.everyMs ?? 25);

  return {
    sent,
    connectedWindows: windows,
    get subscribers() {
      return subscribed.size;
    },
    dropConnections() {
      for (const ws of [...subscribed]) {
        unsubscribe(ws);
        ws.terminate();
      }
    },
    malformNext(n) {
      malformed = n;
    },
    async stop() {
      clearInterval(timer);
      leave();
      for (const ws of clients) ws.terminate();
      for (const ws of [...subscribed]) unsubscribe(ws);
    },
  };
}
