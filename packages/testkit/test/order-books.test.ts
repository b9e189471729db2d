import { createHash } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOK_DEPTH_HEADER } from "../src/archive/archive-book-depth.js";
import { startArchiveSimulator, type ArchiveSimulator } from "../src/archive/start-archive-simulator.js";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { connect, withRetries } from "./exchanges-helpers.js";

const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const RECORDED_DAY = "data/futures/um/daily/bookDepth/BTCUSDT/BTCUSDT-bookDepth-2025-05-19.zip";
const RECORDED_CSV =
  "timestamp,percentage,depth,notional\n2025-05-19 11:07:31,-1,2294.32400000,191369991.21780000\n";
let sim: ExchangeSimulator;
let archive: ArchiveSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 3, nowMs: () => NOW });
  archive = await startArchiveSimulator({
    seed: 3,
    nowMs: () => Date.UTC(2026, 0, 1),
    recordedCsv: { [RECORDED_DAY]: RECORDED_CSV },
  });
});
afterAll(async () => {
  await sim.stop();
  await archive.stop();
});

async function unzipped(path: string): Promise<{ lines: string[]; checksumOk: boolean }> {
  const res = await fetch(`${archive.url}/${path}`);
  expect(res.status, path).toBe(200);
  const zip = new Uint8Array(await res.arrayBuffer());
  const checksum = await (await fetch(`${archive.url}/${path}.CHECKSUM`)).text();
  const name = path.slice(path.lastIndexOf("/") + 1);
  const text = strFromU8(Object.values(unzipSync(zip))[0]!);
  return {
    lines: text.trimEnd().split("\n"),
    checksumOk: checksum === `${createHash("sha256").update(zip).digest("hex")}  ${name}`,
  };
}

describe("order books", () => {
  it.each([
    ["okx", "BTC/USDT:USDT"],
    ["okx", "BTC/USDT"],
    ["bybit", "BTC/USDT:USDT"],
    ["bybit", "BTC/USDT"],
    ["coinbase", "BTC/USD"],
  ] as const)(
    "%s %s answers ccxt's fetchOrderBook with the levels asked, best first, uncrossed",
    async (id, symbol) => {
      const exchange = connect(sim, id);
      const book = await withRetries(() => exchange.fetchOrderBook(symbol, 10));
      expect(book.bids).toHaveLength(10);
      expect(book.asks).toHaveLength(10);
      const bids = book.bids.map((l) => Number(l[0]));
      const asks = book.asks.map((l) => Number(l[0]));
      expect(bids).toEqual([...bids].sort((a, b) => b - a));
      expect(asks).toEqual([...asks].sort((a, b) => a - b));
      expect(bids[0]).toBeLessThan(asks[0]!);
      expect(book.timestamp).toBe(NOW);
    },
  );

  it("an unknown instrument is the exchange's own error", async () => {
    await expect(connect(sim, "okx").fetchOrderBook("NOPE/USDT", 5)).rejects.toThrow();
  });
});

describe("archive bookDepth", () => {
  it("serves a daily file: header, ten bands per snapshot every 30 s, cumulative and checksummed", async () => {
    const { lines, checksumOk } = await unzipped(
      "data/futures/um/daily/bookDepth/BTCUSDT/BTCUSDT-bookDepth-2024-03-01.zip",
    );
    expect(checksumOk).toBe(true);
    expect(lines[0]).toBe(BOOK_DEPTH_HEADER);
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(rows).toHaveLength(2880 * 10);
    expect(rows.slice(0, 10).map((r) => Number(r[1]))).toEqual([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]);
    expect(rows[0]?.[0]).toMatch(/^2024-03-01 00:00:0\d$/);
    const depth = rows.slice(0, 10).map((r) => Number(r[2]));
    expect(depth[0]).toBeGreaterThan(depth[4]!); // -5 % holds more than -1 %
    expect(depth[9]).toBeGreaterThan(depth[5]!);
  });

  it("serves recorded rows verbatim where given", async () => {
    const { lines, checksumOk } = await unzipped(RECORDED_DAY);
    expect(checksumOk).toBe(true);
    expect(`${lines.join("\n")}\n`).toBe(RECORDED_CSV);
  });
});
