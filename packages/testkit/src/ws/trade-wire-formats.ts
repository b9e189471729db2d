import { okxContractSize, parseJson } from "./wire-formats.js";

/** One public trade as the simulator emits it, before any exchange's wire format. */
export interface FeedTrade {
  readonly exchange: string;
  /** ccxt unified symbol of the perpetual, e.g. "BTC/USDT:USDT". */
  readonly symbol: string;
  readonly ts: number;
  /** The taker's side. */
  readonly side: "buy" | "sell";
  readonly price: number;
  /** Base units. */
  readonly amount: number;
  readonly seq: number;
}

/** One ticker update of a perpetual carrying its open interest (base units) and 24 h volume. */
export interface FeedTicker {
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly lastPrice: number;
  readonly openInterest: number;
  readonly volume24h: number;
  readonly seq: number;
}

/** How one exchange's public trade (and ticker) stream is spoken, as ccxt.pro expects it. */
export interface TradeWire {
  acceptsPath(path: string): boolean;
  /** The reply to a subscription this feed serves, and whether it subscribed the socket. */
  answer(message: string, topic: "trades" | "tickers"): { reply?: string; subscribed: boolean } | undefined;
  encodeTrade(event: FeedTrade): string;
  encodeTicker?(event: FeedTicker): string;
}

const compactId = (symbol: string) => symbol.split(":")[0]!.replace("/", "");
const okxId = (symbol: string) => `${symbol.split(":")[0]!.replace("/", "-")}-SWAP`;

/** USDⓈ-M `<symbol>@trade` on fstream (`/market/ws` since 2025); `m` true when the buyer is the maker. */
const binanceTrades: TradeWire = {
  acceptsPath: (path) => /^\/(market\/|public\/)?(ws|stream)(\/|$)/.test(path),
  answer(message, topic) {
    const m = parseJson(message);
    if (topic !== "trades" || m?.method !== "SUBSCRIBE") return undefined;
    const params = Array.isArray(m.params) ? m.params : [];
    const subscribed = params.some((p) => typeof p === "string" && p.endsWith("@trade"));
    return subscribed ? { reply: JSON.stringify({ result: null, id: m.id }), subscribed } : undefined;
  },
  encodeTrade: (e) =>
    JSON.stringify({
      e: "trade",
      E: e.ts + 2,
      T: e.ts,
      s: compactId(e.symbol),
      t: 5_000_000 + e.seq,
      p: String(e.price),
      q: String(e.amount),
      m: e.side === "sell",
    }),
};

/** OKX `trades` channel on `/ws/v5/public`: `sz` in contracts, `side` the taker's. */
const okxTrades: TradeWire = {
  acceptsPath: (path) => path.startsWith("/ws/v5/public"),
  answer(message, topic) {
    const m = parseJson(message);
    if (topic !== "trades" || m?.op !== "subscribe") return undefined;
    const args = Array.isArray(m.args) ? (m.args as Record<string, unknown>[]) : [];
    const arg = args.find((a) => a?.channel === "trades");
    return arg
      ? { reply: JSON.stringify({ event: "subscribe", arg, connId: "sim" }), subscribed: true }
      : undefined;
  },
  encodeTrade: (e) =>
    JSON.stringify({
      arg: { channel: "trades", instId: okxId(e.symbol) },
      data: [
        {
          instId: okxId(e.symbol),
          tradeId: String(7_000_000 + e.seq),
          px: String(e.price),
          sz: String(Math.round((e.amount / okxContractSize(e.symbol)) * 1e8) / 1e8),
          side: e.side,
          ts: String(e.ts),
        },
      ],
    }),
};

function bybitAck(m: Record<string, unknown>): string {
  return JSON.stringify({ success: true, ret_msg: "", conn_id: "sim", req_id: m.req_id, op: "subscribe" });
}

/** Bybit v5 linear `publicTrade.<SYMBOL>` and `tickers.<SYMBOL>` (the ticker carries open interest). */
const bybitTrades: TradeWire = {
  acceptsPath: (path) => path.startsWith("/v5/public/linear"),
  answer(message, topic) {
    const m = parseJson(message);
    if (m?.op !== "subscribe") return undefined;
    const prefix = topic === "trades" ? "publicTrade." : "tickers.";
    const args = Array.isArray(m.args) ? m.args : [];
    const subscribed = args.some((a) => typeof a === "string" && a.startsWith(prefix));
    return subscribed ? { reply: bybitAck(m), subscribed } : undefined;
  },
  encodeTrade: (e) =>
    JSON.stringify({
      topic: `publicTrade.${compactId(e.symbol)}`,
      type: "snapshot",
      ts: e.ts + 3,
      data: [
        {
          T: e.ts,
          s: compactId(e.symbol),
          S: e.side === "buy" ? "Buy" : "Sell",
          v: String(e.amount),
          p: String(e.price),
          L: "PlusTick",
          i: `sim-${e.seq}`,
          BT: false,
        },
      ],
    }),
  encodeTicker: (e) =>
    JSON.stringify({
      topic: `tickers.${compactId(e.symbol)}`,
      type: "snapshot",
      cs: e.seq,
      ts: e.ts,
      data: {
        symbol: compactId(e.symbol),
        lastPrice: String(e.lastPrice),
        markPrice: String(e.lastPrice),
        indexPrice: String(e.lastPrice),
        openInterest: String(e.openInterest),
        openInterestValue: String(Math.round(e.openInterest * e.lastPrice * 100) / 100),
        volume24h: String(e.volume24h),
        turnover24h: String(Math.round(e.volume24h * e.lastPrice * 100) / 100),
        fundingRate: "0.0001",
        bid1Price: String(e.lastPrice),
        bid1Size: "1",
        ask1Price: String(e.lastPrice),
        ask1Size: "1",
      },
    }),
};

export const TRADE_WIRES = { binance: binanceTrades, okx: okxTrades, bybit: bybitTrades } as const;
export type TradeFeedExchange = keyof typeof TRADE_WIRES;
