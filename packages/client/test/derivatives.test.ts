import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "@cexdata/schema";
import { Dataset, InvalidArgumentError, SchemaVersionError, Token, Tokens } from "../src/index.js";
import { makeCandles } from "./support/make-rows.js";
import { writeTestDataset } from "./support/write-dataset.js";

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1); // a Monday
const HOURS = 24 * 8;

const perp = (base: string, seed: number) =>
  makeCandles({
    exchange: "binance",
    symbol: `${base}/USDT:USDT`,
    market: "perp",
    startMs: START,
    count: HOURS,
    intervalMs: HOUR,
    seed,
  });
const btcPerp = perp("BTC", 3);
const ethPerp = perp("ETH", 5);
const btcSpot = makeCandles({
  exchange: "binance",
  symbol: "BTC/USDT",
  startMs: START,
  count: HOURS,
  intervalMs: HOUR,
  seed: 4,
});

/** Reference candles of a perpetual: its own candles scaled, or small signed premiums. */
function priceCandles(candles: Row<"ohlcv_1m">[], f: (x: number, i: number) => number) {
  return candles.map((c, i) => ({
    exchange: c.exchange,
    symbol: c.symbol,
    ts: c.ts,
    base: c.base,
    quote: c.quote,
    open: f(c.open, i),
    high: f(c.high, i),
    low: f(c.low, i),
    close: f(c.close, i),
  }));
}
const indexOf = (candles: Row<"ohlcv_1m">[]) =>
  priceCandles(candles, (x, i) => x * (1 - 0.0005 * ((i % 3) - 1)));
const btcIndex = indexOf(btcPerp);
const btcMark = priceCandles(btcPerp, (x) => x * 1.0001);
const btcPremium = priceCandles(btcPerp, (_x, i) => ((i % 5) - 2) / 10_000);
const ratios = (candles: Row<"ohlcv_1m">[]) =>
  candles.map((c, i) => ({
    exchange: c.exchange,
    symbol: c.symbol,
    ts: c.ts,
    base: c.base,
    quote: c.quote,
    top_trader_account_ratio: 1 + (i % 7) / 10,
    top_trader_position_ratio: i % 2 === 0 ? null : 2,
    global_account_ratio: 1.1,
    taker_buy_sell_ratio: 0.9,
  }));

/** Hourly readings of the predicted funding; OKX's carry no prices. */
const predictions = (candles: Row<"ohlcv_1m">[], exchange: string) =>
  candles.map((c, i) => ({
    exchange,
    symbol: c.symbol,
    ts: c.ts,
    base: c.base,
    quote: c.quote,
    funding_time: Math.floor(c.ts / (8 * HOUR)) * 8 * HOUR + 8 * HOUR,
    funding_rate: ((i % 9) - 4) / 100_000,
    mark_price: exchange === "okx" ? null : c.close,
    index_price: exchange === "okx" ? null : c.close * 0.9999,
  }));

let dir: string;
let dataset: Dataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cexdata-derivatives-"));
  await writeTestDataset(dir, {
    ohlcv_1h: [...btcPerp, ...btcSpot, ...ethPerp],
    mark_ohlcv_1h: btcMark,
    index_ohlcv_1h: [...btcIndex, ...indexOf(ethPerp)],
    premium_index_ohlcv_1h: btcPremium,
    long_short_ratios: [...ratios(btcPerp), ...ratios(ethPerp)],
    funding_predictions: [...predictions(btcPerp, "binance"), ...predictions(btcPerp, "okx")],
  });
  dataset = new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
});
afterAll(async () => {
  await dataset.close();
  await rm(dir, { recursive: true, force: true });
});

describe("derivatives on Token and Tokens", () => {
  it("markOhlcv, indexOhlcv, premiumIndexOhlcv return the stored hours, typed", async () => {
    const token = new Token("BTC", { dataset });
    const mark = await token.markOhlcv();
    expect(mark).toHaveLength(HOURS);
    expect(mark[0]).toEqual({ ...btcMark[0], ts: new Date(START) });
    expect((await token.indexOhlcv({ limit: 2 })).map((r) => r.close)).toEqual(
      btcIndex.slice(-2).map((r) => r.close),
    );
    const premium = await token.premiumIndexOhlcv({ start: START + 2 * HOUR, end: START + 4 * HOUR });
    expect(premium.map((r) => r.close)).toEqual([0, 0.0001]);
  });

  it("builds 4h, 12h, 1d and 1w candles from the hours: first open, max high, min low, last close", async () => {
    const token = new Token("BTC", { dataset });
    for (const [interval, hours] of [
      ["4h", 4],
      ["12h", 12],
      ["1d", 24],
    ] as const) {
      const rows = await token.markOhlcv({ interval });
      expect(rows, interval).toHaveLength(HOURS / hours);
      const first = btcMark.slice(0, hours);
      expect(rows[0]).toMatchObject({
        ts: new Date(START),
        open: first[0]!.open,
        high: Math.max(...first.map((c) => c.high)),
        low: Math.min(...first.map((c) => c.low)),
        close: first.at(-1)!.close,
      });
    }
    // Eight days from a Monday: one complete week; the second is partial, kept only on request.
    expect((await token.indexOhlcv({ interval: "1w" })).map((r) => r.ts)).toEqual([new Date(START)]);
    expect(await token.indexOhlcv({ interval: "1w", partial: true })).toHaveLength(2);
    await expect(token.markOhlcv({ interval: "1m" })).rejects.toThrow(InvalidArgumentError);
  });

  it("longShortRatios: every ratio as stored, nulls where not published", async () => {
    const rows = await new Token("BTC", { dataset }).longShortRatios({ limit: 2 });
    expect(rows).toEqual(
      ratios(btcPerp)
        .slice(-2)
        .map((r) => ({
          exchange: "binance",
          symbol: "BTC/USDT:USDT",
          ts: new Date(r.ts),
          base: "BTC",
          quote: "USDT",
          topTraderAccountRatio: r.top_trader_account_ratio,
          topTraderPositionRatio: r.top_trader_position_ratio,
          globalAccountRatio: 1.1,
          takerBuySellRatio: 0.9,
        })),
    );
  });

  it("fundingPredictions: each hour's reading as stored, camel-cased; OKX's prices null", async () => {
    const token = new Token("BTC", { dataset });
    const rows = await token.fundingPredictions({ start: START + 5 * HOUR, end: START + 7 * HOUR });
    expect(rows).toEqual(
      predictions(btcPerp, "binance")
        .slice(5, 7)
        .map((r) => ({
          exchange: "binance",
          symbol: "BTC/USDT:USDT",
          ts: new Date(r.ts),
          base: "BTC",
          quote: "USDT",
          fundingTime: new Date(r.funding_time),
          fundingRate: r.funding_rate,
          markPrice: r.mark_price,
          indexPrice: r.index_price,
        })),
    );
    const okx = await token.fundingPredictions({ exchange: "okx", limit: 3 });
    expect(okx.map((r) => r.ts.getTime())).toEqual(btcPerp.slice(-3).map((c) => c.ts));
    expect(okx.every((r) => r.markPrice === null && r.indexPrice === null && r.exchange === "okx")).toBe(
      true,
    );
    // As columns: typed arrays and dictionaries, the same values.
    const columns = await token.fundingPredictions({ as: "columns" });
    expect(columns.length).toBe(HOURS);
    expect(columns.columns.fundingRate).toBeInstanceOf(Float64Array);
    expect([...columns.columns.fundingRate]).toEqual(
      predictions(btcPerp, "binance").map((r) => r.funding_rate),
    );
    // ETH has none: Tokens answers for the bases that have them.
    expect(
      new Set((await new Tokens(["BTC", "ETH"], { dataset }).fundingPredictions()).map((r) => r.base)),
    ).toEqual(new Set(["BTC"]));
  });

  it("basis: perp close against index and spot closes, as a fraction and annualised", async () => {
    const rows = await new Token("BTC", { dataset }).basis({ exchange: "binance" });
    expect(rows).toHaveLength(HOURS);
    const i = 10;
    const [p, x, s] = [btcPerp[i]!.close, btcIndex[i]!.close, btcSpot[i]!.close];
    expect(rows[i]).toEqual({
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      ts: new Date(START + i * HOUR),
      base: "BTC",
      quote: "USDT",
      perpClose: p,
      indexClose: x,
      spotClose: s,
      basisIndex: p / x - 1,
      basisIndexAnnualised: (p / x - 1) * 3 * 365,
      basisSpot: p / s - 1,
      basisSpotAnnualised: (p / s - 1) * 3 * 365,
    });
    // A day's basis is taken at its last hour.
    const daily = await new Token("BTC", { dataset }).basis({ exchange: "binance", interval: "1d" });
    expect(daily[0]).toMatchObject({
      ts: new Date(START),
      perpClose: btcPerp[23]!.close,
      indexClose: btcIndex[23]!.close,
    });
  });

  it("Tokens answers for several tokens in one call; ETH has no spot market: its spot basis is null", async () => {
    const tokens = new Tokens(["BTC", "ETH"], { dataset });
    const ls = await tokens.longShortRatios();
    expect(new Set(ls.map((r) => r.base))).toEqual(new Set(["BTC", "ETH"]));
    const basis = await tokens.basis({ interval: "1d" });
    const eth = basis.filter((r) => r.base === "ETH");
    expect(eth).toHaveLength(8);
    expect(eth.every((r) => r.spotClose === null && r.basisSpot === null && r.indexClose !== null)).toBe(
      true,
    );
    expect((await tokens.indexOhlcv({ interval: "1d" })).filter((r) => r.base === "ETH")).toHaveLength(8);
    // Only BTC has mark candles: ETH simply has none.
    expect(new Set((await tokens.markOhlcv()).map((r) => r.base))).toEqual(new Set(["BTC"]));
  });

  it("the tearsheet gains basis and long/short panels when the data exists, and not otherwise", async () => {
    const html = (await new Token("BTC", { dataset }).tearsheet({ interval: "1h", market: "perp" })).toHTML();
    expect(html).toContain("Basis (perpetual close / reference close - 1)");
    expect(html).toContain("vs index");
    expect(html).toContain("vs spot");
    expect(html).toContain("Long / short ratios");
    expect(html).toContain("top traders, positions");
    expect(html).toContain(`<dt>Long/short hours</dt><dd>${HOURS}</dd>`);
    // ETH: no spot market, so no "vs spot" line; no mark candles are needed for either panel.
    const eth = (await new Token("ETH", { dataset }).tearsheet({ interval: "1h", market: "perp" })).toHTML();
    expect(eth).toContain("vs index");
    expect(eth).not.toContain("vs spot");
    // Without the perpetual's panels, none of them.
    const spotOnly = (
      await new Token("BTC", { dataset }).tearsheet({ interval: "1h", perp: false })
    ).toHTML();
    expect(spotOnly).not.toContain("Basis (");
    expect(spotOnly).not.toContain("Long / short ratios");
  });

  it("refuses a dataset of a newer major schema, naming both versions", async () => {
    const newer = await mkdtemp(join(tmpdir(), "cexdata-newer-"));
    try {
      const spec = JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) as Record<string, unknown>;
      await writeFile(join(newer, "spec.json"), JSON.stringify({ ...spec, schema_version: "2.0" }));
      const ds = new Dataset({ source: newer, cacheDir: join(newer, ".cache") });
      const error = await new Token("BTC", { dataset: ds }).markOhlcv().catch((e: unknown) => e);
      await ds.close();
      expect(error).toBeInstanceOf(SchemaVersionError);
      expect((error as Error).message).toContain("schema 2.0");
      expect((error as Error).message).toMatch(/schema 1\.\d+ this code reads/);
    } finally {
      await rm(newer, { recursive: true, force: true });
    }
  });
});
