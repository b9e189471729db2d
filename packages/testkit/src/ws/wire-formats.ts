import type { FeedLiquidation } from "./feed-events.js";

/**
 * Each exchange's real websocket protocol for its public liquidation stream, as ccxt.pro speaks it:
 * where the socket lives, how a subscription is answered, how pings are answered, and the message
 * that carries a liquidation. Formats follow the exchanges' documentation and ccxt's recorded examples.
 */
export interface WireProtocol {
  /** Does a websocket upgrade on this path belong to the liquidation stream? */
  acceptsPath(path: string): boolean;
  /** The answer to a client's text message (subscribe, ping), or undefined to ignore it. */
  answer(message: string): { reply?: string; subscribed?: boolean } | undefined;
  /** The market id the exchange uses for a unified perpetual symbol. */
  marketId(symbol: string): string;
  /** One liquidation as the exchange pushes it. */
  encode(event: FeedLiquidation): string;
}

/** A client's text message as a JSON object, or undefined (not JSON, or not an object). */
export function parseJson(message: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(message);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function baseQuote(symbol: string): [string, string] {
  const [pair = ""] = symbol.split(":");
  const [base = "", quote = ""] = pair.split("/");
  return [base, quote];
}

/**
 * USDⓈ-M all-market force-order stream: `!forceOrder@arr` on fstream's `/market/ws` (the 2025 split of
 * fstream into /public, /market and /private; the older `/ws` is served too). `S` is the ORDER side.
 */
export const binanceWire: WireProtocol = {
  acceptsPath: (path) => /^\/(market\/|public\/)?(ws|stream)(\/|$)/.test(path),
  answer(message) {
    const m = parseJson(message);
    if (m?.method !== "SUBSCRIBE") return undefined;
    const params = Array.isArray(m.params) ? m.params : [];
    const subscribed = params.some(
      (p) => (typeof p === "string" && p.endsWith("@forceOrder")) || p === "!forceOrder@arr",
    );
    return { reply: JSON.stringify({ result: null, id: m.id }), subscribed };
  },
  marketId: (symbol) => baseQuote(symbol).join(""),
  encode(e) {
    const qty = String(e.amount);
    return JSON.stringify({
      e: "forceOrder",
      E: e.ts + 3,
      o: {
        s: this.marketId(e.symbol),
        S: e.side === "long" ? "SELL" : "BUY",
        o: "LIMIT",
        f: "IOC",
        q: qty,
        p: String(e.price),
        ap: String(e.price),
        X: "FILLED",
        l: qty,
        z: qty,
        T: e.ts,
      },
    });
  },
};

/** v5 public linear `allLiquidation.<SYMBOL>` topic. `S` is the POSITION side: Buy = a long was liquidated. */
export const bybitWire: WireProtocol = {
  acceptsPath: (path) => path.startsWith("/v5/public/linear"),
  answer(message) {
    const m = parseJson(message);
    if (m?.op === "ping") {
      return {
        reply: JSON.stringify({
          success: true,
          ret_msg: "pong",
          conn_id: "sim",
          req_id: m.req_id,
          op: "ping",
        }),
      };
    }
    if (m?.op !== "subscribe") return undefined;
    const args = Array.isArray(m.args) ? m.args : [];
    const subscribed = args.some((a) => typeof a === "string" && a.startsWith("allLiquidation."));
    return {
      reply: JSON.stringify({
        success: true,
        ret_msg: "",
        conn_id: "sim",
        req_id: m.req_id,
        op: "subscribe",
      }),
      subscribed,
    };
  },
  marketId: (symbol) => baseQuote(symbol).join(""),
  encode(e) {
    const id = this.marketId(e.symbol);
    return JSON.stringify({
      topic: `allLiquidation.${id}`,
      type: "snapshot",
      ts: e.ts + 5,
      data: [
        { T: e.ts, s: id, S: e.side === "long" ? "Buy" : "Sell", v: String(e.amount), p: String(e.price) },
      ],
    });
  },
};

/** OKX contract size of the simulated USDT swaps (BTC-USDT-SWAP: 0.01 BTC), for `sz` in contracts. */
const OKX_CONTRACT_SIZE: Readonly<Record<string, number>> = { BTC: 0.01, ETH: 0.1 };

export function okxContractSize(symbol: string): number {
  return OKX_CONTRACT_SIZE[baseQuote(symbol)[0]] ?? 1;
}

/** `liquidation-orders` channel on `/ws/v5/public`; `sz` in contracts, `posSide` the position, `side` the order. */
export const okxWire: WireProtocol = {
  acceptsPath: (path) => path.startsWith("/ws/v5/public"),
  answer(message) {
    if (message === "ping") return { reply: "pong" };
    const m = parseJson(message);
    if (m?.op !== "subscribe") return undefined;
    const args = Array.isArray(m.args) ? (m.args as Record<string, unknown>[]) : [];
    const arg = args.find((a) => a?.channel === "liquidation-orders");
    if (!arg) return undefined;
    return { reply: JSON.stringify({ event: "subscribe", arg, connId: "sim" }), subscribed: true };
  },
  marketId: (symbol) => `${baseQuote(symbol).join("-")}-SWAP`,
  encode(e) {
    const [base, quote] = baseQuote(e.symbol);
    const contracts = Math.round((e.amount / okxContractSize(e.symbol)) * 1e8) / 1e8;
    return JSON.stringify({
      arg: { channel: "liquidation-orders", instType: "SWAP" },
      data: [
        {
          details: [
            {
              bkLoss: "0",
              bkPx: String(e.price),
              ccy: "",
              posSide: e.side,
              side: e.side === "long" ? "sell" : "buy",
              sz: String(contracts),
              ts: String(e.ts),
            },
          ],
          instFamily: `${base}-${quote}`,
          instId: this.marketId(e.symbol),
          instType: "SWAP",
          uly: `${base}-${quote}`,
        },
      ],
    });
  },
};

export const WIRE_PROTOCOLS = { binance: binanceWire, bybit: bybitWire, okx: okxWire } as const;
export type FeedExchange = keyof typeof WIRE_PROTOCOLS;
