import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { NO_ARCHIVE_DEFECTS, startTestkit, type Testkit } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { createAdapter } from "../src/exchanges/registry.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "book_depth");
const recorded = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8"));
const httpOf = (file: string) => (recorded(file) as { httpResponse: unknown }).httpResponse;

const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
let tk: Testkit;
const dirs: string[] = [];
beforeAll(async () => {
  tk = await startTestkit({ seed: 9, nowMs: () => NOW, archiveDefects: NO_ARCHIVE_DEFECTS });
});
afterAll(async () => {
  await tk.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function snapshotOf(exchange: "okx" | "bybit" | "coinbase", symbol: string, market: "spot" | "perp") {
  const adapter = createAdapter(exchange, { env: { ...tk.env } });
  await adapter.loadMarkets();
  return adapter.bookSnapshot!(symbol, market, NOW);
}

describe("order book snapshots parsed from recorded answers", () => {
  it("OKX swap: sizes in contracts become base units (ctVal 0.01 BTC), the exchange's time kept", async () => {
    tk.exchanges.replay("okx", "/api/v5/market/books", httpOf("ccxt_okx_fetchOrderBook_swap.json"));
    try {
      const rows = await snapshotOf("okx", "BTC/USDT:USDT", "perp");
      expect(rows.map((r) => [r.side, r.level, r.price, r.amount, r.ts])).toEqual([
        ["bid", 1, 43466.3, 138.07, 1706612067750],
        ["bid", 2, 43466.2, 171.51, 1706612067750],
        ["ask", 1, 43466.4, 148.81, 1706612067750],
        ["ask", 2, 43466.5, 146.24, 1706612067750],
      ]);
      expect(rows[0]).toMatchObject({
        exchange: "okx",
        market: "perp",
        base: "BTC",
        quote: "USDT",
        percentage: null,
      });
      expect(rows[0]!.notional).toBeCloseTo(43466.3 * 138.07, 6);
    } finally {
      tk.exchanges.replay("okx", "/api/v5/market/books", undefined);
    }
  });

  it("OKX spot: sizes are base units already", async () => {
    tk.exchanges.replay("okx", "/api/v5/market/books", httpOf("ccxt_okx_fetchOrderBook_spot.json"));
    try {
      const rows = await snapshotOf("okx", "BTC/USDT", "spot");
      expect(rows.map((r) => [r.side, r.level, r.price, r.amount])).toEqual([
        ["bid", 1, 67973.3, 0.05],
        ["bid", 2, 67973.2, 0.00725939],
        ["ask", 1, 67973.4, 1.40848059],
        ["ask", 2, 67975.9, 0.08292002],
      ]);
    } finally {
      tk.exchanges.replay("okx", "/api/v5/market/books", undefined);
    }
  });

  it("Bybit linear: sizes already in base units", async () => {
    tk.exchanges.replay("bybit", "/v5/market/orderbook", httpOf("ccxt_bybit_fetchOrderBook_swap.json"));
    try {
      const rows = await snapshotOf("bybit", "BTC/USDT:USDT", "perp");
      expect(rows.map((r) => [r.side, r.level, r.price, r.amount])).toEqual([
        ["bid", 1, 42544.7, 172.404],
        ["bid", 2, 42544.5, 88.856],
        ["ask", 1, 42548, 108.998],
        ["ask", 2, 42548.2, 75.008],
      ]);
      expect(rows[0]?.ts).toBe(1706803948569);
    } finally {
      tk.exchanges.replay("bybit", "/v5/market/orderbook", undefined);
    }
  });

  it("Coinbase: `{price, size}` levels and the book's ISO time", async () => {
    tk.exchanges.replay(
      "coinbase",
      "/api/v3/brokerage/market/product_book",
      recorded("coinbase_product_book.BTC-USD.json"),
    );
    try {
      const rows = await snapshotOf("coinbase", "BTC/USD", "spot");
      expect(rows).toHaveLength(10);
      expect(rows[0]).toMatchObject({ side: "bid", level: 1, price: 68923.66, amount: 0.17189468 });
      expect(rows[5]).toMatchObject({ side: "ask", level: 1, price: 68923.67, amount: 0.16987193 });
      expect(rows[0]?.ts).toBe(Date.parse("2026-04-07T00:28:59.662Z"));
    } finally {
      tk.exchanges.replay("coinbase", "/api/v3/brokerage/market/product_book", undefined);
    }
  });
});

describe("book_depth in a scheduled run", () => {
  // A simulator of its own: the snapshot tests above spend Coinbase's per-second budget of the
  // shared one (their clients are other callers on the same address), and this run is not about that.
  let runTk: Testkit;
  beforeAll(async () => {
    runTk = await startTestkit({ seed: 9, nowMs: () => NOW, archiveDefects: NO_ARCHIVE_DEFECTS });
  });
  afterAll(async () => {
    await runTk.stop();
  });

  it("takes one snapshot per series on OKX, Bybit and Coinbase, and Binance's archived days", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "cexdata-book-run-"));
    dirs.push(dir);
    const since = Date.UTC(2024, 4, 14);
    const { report } = await runCycle({
      config: parseConfig({
        exchanges: ["binance", "okx", "bybit", "coinbase"],
        bases: ["BTC"],
        tables: ["book_depth", "exchange_info", "coverage"],
        since,
      }),
      datasetDir: dir,
      logger: pino({ level: "silent" }),
      env: { ...runTk.env },
      nowMs: () => NOW,
    });
    expect(report.failures).toEqual([]);
    const rows = await readTable(dir, "book_depth");
    const count = (exchange: string, market: string) =>
      rows.filter((r) => r.exchange === exchange && r.market === market).length;
    // 20 levels a side, one snapshot, stamped now.
    for (const [exchange, market] of [
      ["okx", "spot"],
      ["okx", "perp"],
      ["bybit", "spot"],
      ["bybit", "perp"],
      ["coinbase", "spot"],
    ] as const)
      expect([exchange, market, count(exchange, market)]).toEqual([exchange, market, 40]);
    expect(rows.filter((r) => r.exchange !== "binance").every((r) => r.ts === NOW)).toBe(true);
    // Binance: the one closed day since `since` from the archive, a snapshot a minute, ten bands each.
    expect(count("binance", "perp")).toBe(1440 * 10);
    expect(count("binance", "spot")).toBe(0);
    expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);
    const coverage = (await readTable(dir, "coverage")).filter((r) => r.table_name === "book_depth");
    expect(coverage.find((r) => r.exchange === "binance")).toMatchObject({ present: 14_400, expected: null });
  });
});
