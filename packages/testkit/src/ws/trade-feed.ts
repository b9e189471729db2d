import type { Server } from "node:http";
import type { WebSocket } from "ws";
import { hashString, roundTo, unitAt } from "../series/hash.js";
import { modelSymbol, priceAt } from "../series/price-model.js";
import { joinSharedSocketServer } from "./shared-socket-server.js";
import {
  TRADE_WIRES,
  type FeedTicker,
  type FeedTrade,
  type TradeFeedExchange,
} from "./trade-wire-formats.js";

export interface TradeFeedOptions {
  readonly exchange: TradeFeedExchange;
  /** Unified perpetual symbols, round-robin. */
  readonly symbols: readonly string[];
  readonly seed?: number;
  /** One trade every this many ms while anyone is subscribed (default 25). */
  readonly everyMs?: number;
  /** About one trade in this many is a block trade worth ~50x a usual one (default 10). */
  readonly largeEvery?: number;
  /** The exchange's clock stamped on each trade (default Date.now; an accelerated clock in tests). */
  readonly nowMs?: () => number;
}

/** What the tests compare against: every event a subscribed socket was sent. */
export interface StreamFeed<E> {
  readonly sent: readonly E[];
  readonly subscribers: number;
  stop(): Promise<void>;
}

const MINUTE = 60_000;

/** The seq-th trade: a pure function of (seed, exchange, symbol, seq, ts). */
export function makeFeedTrade(
  seed: number,
  exchange: string,
  symbol: string,
  seq: number,
  ts: number,
  largeEvery = 10,
): FeedTrade {
  const model = modelSymbol(seed, exchange, symbol);
  const key = hashString(`${seed}|ws-trade|${exchange}|${symbol}`);
  const side = unitAt(key ^ 0x11, seq) < 0.5 ? "buy" : "sell";
  const price = roundTo(priceAt(model, Math.floor(ts / MINUTE) * MINUTE), model.priceDecimals);
  const lots = 1 + Math.floor(20 * unitAt(key ^ 0x33, seq));
  // Whole multiples of 0.01 base, so OKX's contract size (0.01 BTC) divides every amount.
  // About one trade in `largeEvery` is a block trade, whichever symbol its turn falls on.
  const large = largeEvery > 0 && unitAt(key ^ 0x44, seq) < 1 / largeEvery;
  const amount = roundTo(0.01 * lots * (large ? 50 : 1), 2);
  return { exchange, symbol, ts, side, price, amount, seq };
}

interface Subscription {
  readonly topic: "trades" | "tickers";
  readonly exchange: TradeFeedExchange;
}

/** Shared by the trade and ticker feeds: join the exchange's socket, count subscribers, push on a timer. */
export function runStreamFeed<E>(
  server: Server,
  sub: Subscription,
  everyMs: number,
  next: (seq: number) => { event: E; text: string },
): StreamFeed<E> {
  const wire = TRADE_WIRES[sub.exchange];
  const clients = new Set<WebSocket>();
  const subscribed = new Set<WebSocket>();
  const sent: E[] = [];
  let seq = 0;
  const leave = joinSharedSocketServer(server, wire.acceptsPath, (ws) => {
    clients.add(ws);
    ws.on("message", (data) => {
      const answer = wire.answer(data.toString(), sub.topic);
      if (answer?.reply !== undefined) ws.send(answer.reply);
      if (answer?.subscribed) subscribed.add(ws);
    });
    ws.on("close", () => (clients.delete(ws), subscribed.delete(ws)));
    ws.on("error", () => subscribed.delete(ws));
  });
  const timer = setInterval(() => {
    if (subscribed.size === 0) return;
    const { event, text } = next(seq++);
    let counted = false;
    for (const ws of subscribed) {
      if (ws.readyState !== ws.OPEN) continue;
      ws.send(text, (error) => {
        if (error || counted) return;
        counted = true;
        sent.push(event);
      });
    }
  }, everyMs);
  return {
    sent,
    get subscribers() {
      return subscribed.size;
    },
    async stop() {
      clearInterval(timer);
      leave();
      for (const ws of clients) ws.terminate();
      subscribed.clear();
    },
  };
}

/** A test double of one exchange's public trade stream, on the exchange simulator's host and port. */
export function attachTradeFeed(server: Server, opts: TradeFeedOptions): StreamFeed<FeedTrade> {
  const wire = TRADE_WIRES[opts.exchange];
  const nowMs = opts.nowMs ?? Date.now;
  return runStreamFeed(server, { topic: "trades", exchange: opts.exchange }, opts.everyMs ?? 25, (seq) => {
    const symbol = opts.symbols[seq % opts.symbols.length]!;
    const event = makeFeedTrade(opts.seed ?? 1, opts.exchange, symbol, seq, nowMs(), opts.largeEvery ?? 10);
    return { event, text: wire.encodeTrade(event) };
  });
}

export interface TickerFeedOptions {
  /** Only Bybit's linear tickers carry open interest on a public stream. */
  readonly exchange: "bybit";
  readonly symbols: readonly string[];
  readonly seed?: number;
  readonly everyMs?: number;
  readonly nowMs?: () => number;
  /** Ticker sequence numbers at which open interest jumps by `spikeFactor` (default 1.1) and stays. */
  readonly spikesAt?: readonly number[];
  readonly spikeFactor?: number;
}

/** Bybit's `tickers.<SYMBOL>` stream: open interest drifting by under 0.1% a push, jumping at `spikesAt`. */
export function attachTickerFeed(server: Server, opts: TickerFeedOptions): StreamFeed<FeedTicker> {
  const wire = TRADE_WIRES[opts.exchange];
  const nowMs = opts.nowMs ?? Date.now;
  const seed = opts.seed ?? 1;
  const spikes = new Set(opts.spikesAt ?? []);
  const level = new Map<string, number>();
  return runStreamFeed(server, { topic: "tickers", exchange: opts.exchange }, opts.everyMs ?? 25, (seq) => {
    const symbol = opts.symbols[seq % opts.symbols.length]!;
    const ts = nowMs();
    const model = modelSymbol(seed, opts.exchange, symbol);
    const key = hashString(`${seed}|ws-ticker|${symbol}`);
    const previous = level.get(symbol) ?? 50_000;
    const drift = 1 + 0.001 * (unitAt(key, seq) - 0.5);
    const openInterest = roundTo(previous * drift * (spikes.has(seq) ? (opts.spikeFactor ?? 1.1) : 1), 3);
    level.set(symbol, openInterest);
    const lastPrice = roundTo(priceAt(model, Math.floor(ts / MINUTE) * MINUTE), model.priceDecimals);
    const event: FeedTicker = {
      exchange: opts.exchange,
      symbol,
      ts,
      lastPrice,
      openInterest,
      volume24h: roundTo(100_000 + 1000 * unitAt(key ^ 0x55, seq), 3),
      seq,
    };
    return { event, text: wire.encodeTicker!(event) };
  });
}
