import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { TRADE_WIRES, type FeedTicker, type FeedTrade } from "../src/index.js";

// The trade and ticker feeds must speak the exchanges' messages: every field a simulated frame carries
// is in the recorded message, with the same JSON type (strings for prices, numbers for times, ...).
const fixture = async (name: string) =>
  JSON.parse(await readFile(new URL(`./fixtures/ws-streams/${name}`, import.meta.url), "utf8")) as unknown;

/** Each path of `value` (objects by key, arrays by their first element) with its JSON type. */
function shapeOf(value: unknown, prefix = ""): Record<string, string> {
  if (Array.isArray(value)) return shapeOf(value[0], `${prefix}[]`);
  if (value !== null && typeof value === "object") {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) Object.assign(out, shapeOf(v, prefix ? `${prefix}.${k}` : k));
    return out;
  }
  return { [prefix]: value === null ? "null" : typeof value };
}

const trade: FeedTrade = {
  exchange: "x",
  symbol: "BTC/USDT:USDT",
  ts: 1_700_000_000_000,
  side: "sell",
  price: 43_210.5,
  amount: 0.25,
  seq: 7,
};
const ticker: FeedTicker = {
  exchange: "bybit",
  symbol: "BTC/USDT:USDT",
  ts: 1_700_000_000_000,
  lastPrice: 43_210.5,
  openInterest: 50_123.456,
  volume24h: 100_321.5,
  seq: 3,
};

describe("simulated trade and ticker frames have the recorded messages' fields and types", () => {
  it.each([
    ["binance", "binance-trade.json"],
    ["okx", "okx-trades.json"],
    ["bybit", "bybit-public-trade.json"],
  ] as const)("%s trades", async (exchange, file) => {
    const recorded = shapeOf(await fixture(file));
    const ours = shapeOf(JSON.parse(TRADE_WIRES[exchange].encodeTrade({ ...trade, exchange })));
    for (const [path, type] of Object.entries(ours))
      expect(`${path}: ${recorded[path]}`).toBe(`${path}: ${type}`);
  });

  it("bybit linear tickers (open interest)", async () => {
    const recorded = shapeOf(await fixture("bybit-tickers-linear.json"));
    const ours = shapeOf(JSON.parse(TRADE_WIRES.bybit.encodeTicker!(ticker)));
    for (const [path, type] of Object.entries(ours))
      expect(`${path}: ${recorded[path]}`).toBe(`${path}: ${type}`);
    expect(Object.keys(ours)).toContain("data.openInterest");
  });

  it("a trade's side is told the exchange's way", () => {
    const binance = JSON.parse(TRADE_WIRES.binance.encodeTrade(trade)) as { m: boolean };
    expect(binance.m).toBe(true); // a taker sell: the buyer was the maker
    const bybit = JSON.parse(TRADE_WIRES.bybit.encodeTrade(trade)) as { data: { S: string }[] };
    expect(bybit.data[0]!.S).toBe("Sell");
    const okx = JSON.parse(TRADE_WIRES.okx.encodeTrade(trade)) as { data: { side: string; sz: string }[] };
    expect(okx.data[0]).toMatchObject({ side: "sell", sz: "25" }); // 0.25 BTC in 0.01 BTC contracts
  });
});
