import { readFileSync } from "node:fs";
import path from "node:path";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter } from "../src/exchanges/registry.js";

/** Recorded listings (see fixtures/listings/SOURCE.txt), served through the simulator to ccxt. */
const FIXTURES = path.join(import.meta.dirname, "fixtures", "listings");
const read = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8"));

/** Each JSON document of a file whose documents follow `// ...` comment lines. */
const readDocuments = (file: string): unknown[] =>
  readFileSync(path.join(FIXTURES, file), "utf8")
    .split(/^\/\/.*$/m)
    .filter((chunk) => chunk.trim() !== "")
    .map((chunk) => JSON.parse(chunk) as unknown);

const NOW = Date.UTC(2024, 11, 1);
let sim: ExchangeSimulator;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 2, nowMs: () => NOW });
});
afterAll(async () => {
  await sim.stop();
});

async function infoOf(exchange: "binance" | "bybit", markets: ("spot" | "perp")[]) {
  const adapter = createAdapter(exchange, { env: sim.env() });
  await adapter.loadMarkets();
  return Object.fromEntries(adapter.exchangeInfo(markets, NOW).map((r) => [r.symbol, r]));
}

describe("listing and delisting times read from recorded listings", () => {
  it("Binance USDⓈ-M: onboardDate is listed_at; a perpetual's 2100 deliveryDate is no delisting", async () => {
    sim.replay("binance", "/fapi/v1/exchangeInfo", read("binance_fapi_exchange_info_2022-02-19.json"));
    try {
      const info = await infoOf("binance", ["perp"]);
      expect(info["BTC/USDT:USDT"]).toMatchObject({
        active: true,
        listed_at: 1569398400000,
        delisted_at: null,
      });
      expect(info["ETH/USDT:USDT"]).toMatchObject({ listed_at: 1569398400000, delisted_at: null });
      // The dated future BTCUSDT_220325 is not a market the dataset stores.
      expect(Object.keys(info).some((s) => s.includes("220325"))).toBe(false);
    } finally {
      sim.replay("binance", "/fapi/v1/exchangeInfo", undefined);
    }
  });

  it("Bybit linear: launchTime is listed_at; a PreLaunch contract is inactive and not delisted", async () => {
    // The docs page holds two answers (a trading and a pre-launch contract): served as one listing.
    const [trading, preLaunch] = readDocuments("bybit_instruments_info_linear.docs_example.jsonc") as {
      result: { list: unknown[] };
    }[];
    sim.replay("bybit", "/v5/market/instruments-info", {
      ...trading,
      result: { ...trading!.result, list: [...trading!.result.list, ...preLaunch!.result.list] },
    });
    try {
      const info = await infoOf("bybit", ["perp"]);
      expect(info["BTC/USDT:USDT"]).toMatchObject({
        active: true,
        listed_at: 1585526400000,
        delisted_at: null,
      });
      expect(info["BIO/USDT:USDT"]).toMatchObject({
        active: false,
        listed_at: 1735032510000,
        delisted_at: null,
      });
    } finally {
      sim.replay("bybit", "/v5/market/instruments-info", undefined);
    }
  });
});
