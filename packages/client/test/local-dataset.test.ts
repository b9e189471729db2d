import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTERVAL_INFO, RESAMPLED_INTERVALS, type Row } from "@cexdata/schema";
import {
  Dataset,
  IntegrityError,
  InvalidArgumentError,
  Token,
  Tokens,
  UnknownTokenError,
} from "../src/index.js";
import { resampleCandles, toClientCandle } from "./support/make-rows.js";
import { buildStandardTables, DAY, START_1M } from "./support/standard-tables.js";
import { writeTestDataset, type TestTables } from "./support/write-dataset.js";

let dir: string;
let tables: TestTables;
let dataset: Dataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cexdata-local-"));
  tables = buildStandardTables();
  await writeTestDataset(dir, tables);
  dataset = new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
});

afterAll(async () => {
  await dataset.close();
  await rm(dir, { recursive: true, force: true });
});

const seriesOf = (table: "ohlcv_1m" | "ohlcv_1h" | "ohlcv_1d", exchange: string, symbol: string) =>
  (tables[table] as Row<"ohlcv_1m">[]).filter((r) => r.exchange === exchange && r.symbol === symbol);

describe("Token.ohlcv on a local dataset", () => {
  it("returns every native interval as stored, typed, oldest first", async () => {
    for (const [interval, table] of [
      ["1m", "ohlcv_1m"],
      ["1h", "ohlcv_1h"],
      ["1d", "ohlcv_1d"],
    ] as const) {
      const rows = await new Token("BTC", { dataset }).ohlcv({ interval });
      expect(rows, interval).toEqual(seriesOf(table, "binance", "BTC/USDT").map(toClientCandle));
    }
  });

  it("returns plain values: Date, number, no bigint", async () => {
    const [row] = await new Token("BTC", { dataset }).ohlcv({ interval: "1m", limit: 1 });
    expect(row!.ts).toBeInstanceOf(Date);
    expect(typeof row!.trades).toBe("number");
    expect(Object.keys(row!)).toContain("quoteVolume");
  });

  it.each(RESAMPLED_INTERVALS)("resamples %s exactly as an independent computation", async (interval) => {
    const source = INTERVAL_INFO[interval].source;
    const stored = seriesOf(`ohlcv_${source}`, "binance", "BTC/USDT");
    const expected = resampleCandles(stored, interval, INTERVAL_INFO[source].ms);
    const rows = await new Token("BTC", { dataset }).ohlcv({ interval });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.ts)).toEqual(expected.map((r) => r.ts));
    rows.forEach((row, i) => {
      const want = expected[i]!;
      for (const key of ["open", "high", "low", "close", "trades"] as const) expect(row[key]).toBe(want[key]);
      expect(row.volume).toBeCloseTo(want.volume, 6);
      expect(row.quoteVolume!).toBeCloseTo(want.quoteVolume, 4);
      expect(row.exchange).toBe("binance");
      expect(row.symbol).toBe("BTC/USDT");
    });
  });

  it("keeps the incomplete last bucket only with partial: true", async () => {
    const stored = seriesOf("ohlcv_1d", "binance", "BTC/USDT");
    const complete = await new Token("BTC", { dataset }).ohlcv({ interval: "1w" });
    const partial = await new Token("BTC", { dataset }).ohlcv({ interval: "1w", partial: true });
    expect(partial.length).toBe(complete.length + 1);
    expect(partial.map((r) => r.ts)).toEqual(resampleCandles(stored, "1w", DAY, true).map((r) => r.ts));
  });

  it("filters by start, end and limit (the most recent rows)", async () => {
    const start = new Date(START_1M + DAY);
    const rows = await new Token("BTC", { dataset }).ohlcv({
      interval: "1m",
      start,
      end: "2024-01-31T01:00:00Z",
    });
    expect(rows).toHaveLength(60);
    expect(rows[0]!.ts).toEqual(start);
    expect(rows.at(-1)!.ts).toEqual(new Date("2024-01-31T00:59:00Z"));
    const last = await new Token("BTC", { dataset }).ohlcv({ interval: "1m", limit: 5 });
    expect(last.map((r) => r.ts)).toEqual(
      seriesOf("ohlcv_1m", "binance", "BTC/USDT")
        .slice(-5)
        .map((r) => new Date(r.ts)),
    );
  });

  it("picks the first exchange in binance, okx, bybit, coinbase order, with its default quote", async () => {
    const first = async (base: string) => (await new Token(base, { dataset }).ohlcv({ limit: 1 }))[0]!;
    expect(await first("BTC")).toMatchObject({ exchange: "binance", symbol: "BTC/USDT" });
    expect(await first("ETH")).toMatchObject({ exchange: "okx", symbol: "ETH/USDT" });
    expect(await first("SOL")).toMatchObject({ exchange: "coinbase", symbol: "SOL/USD", quote: "USD" });
    expect(await first("btc")).toMatchObject({ exchange: "binance" });
    const coinbase = await new Token("BTC", { dataset }).ohlcv({ exchange: "coinbase", limit: 1 });
    expect(coinbase[0]).toMatchObject({ exchange: "coinbase", symbol: "BTC/USD" });
    const perp = await new Token("BTC", { dataset }).ohlcv({ market: "perp", limit: 1 });
    expect(perp[0]).toMatchObject({ exchange: "binance", symbol: "BTC/USDT:USDT", market: "perp" });
  });

  it("answers many tokens in one query", async () => {
    const rows = await new Tokens(["BTC", "ETH", "SOL"], { dataset }).ohlcv({ interval: "1d", limit: 2 });
    expect(rows.map((r) => `${r.base} ${r.exchange}`)).toEqual([
      "BTC binance",
      "BTC binance",
      "ETH okx",
      "ETH okx",
      "SOL coinbase",
      "SOL coinbase",
    ]);
  });
});

describe("other tables", () => {
  it("reads funding rates, open interest and liquidations of the default perp", async () => {
    const btc = new Token("BTC", { dataset });
    const funding = await btc.fundingRates();
    expect(funding).toHaveLength(30);
    expect(funding[0]).toMatchObject({ exchange: "binance", symbol: "BTC/USDT:USDT", intervalHours: 8 });
    expect(await btc.openInterest({ limit: 3 })).toHaveLength(3);
    const liquidations = await btc.liquidations();
    expect(liquidations.map((l) => l.id)).toEqual(tables.liquidations!.map((l) => l.id));
  });

  it("reads token_info and exchange_info", async () => {
    const info = await new Token("BTC", { dataset }).info();
    expect(info).toMatchObject({
      base: "BTC",
      name: "Bitcoin",
      exchanges: ["binance", "okx", "coinbase"],
      markets: 4,
    });
    expect(info.firstTs).toBeInstanceOf(Date);
    const markets = await new Token("ETH", { dataset }).markets();
    expect(markets.map((m) => `${m.exchange} ${m.symbol}`)).toEqual(["coinbase ETH/USD", "okx ETH/USDT"]);
  });

  it("runs a power user's SQL with bound parameters", async () => {
    const rows = await dataset.sql("SELECT count(*) AS n FROM ohlcv_1d WHERE base = $base", { base: "ETH" });
    expect(rows).toEqual([{ n: 120 }]);
  });
});

describe("bad input", () => {
  it("names close matches for an unknown token", async () => {
    const error = await new Token("BTCC", { dataset }).ohlcv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTokenError);
    expect((error as UnknownTokenError).didYouMean).toContain("BTC");
  });

  it("rejects hostile symbols before any query", () => {
    for (const hostile of ["BTC'; DROP TABLE ohlcv_1m; --", "../../etc", "BTC/USDT", "", "B T C"]) {
      expect(() => new Token(hostile, { dataset }), hostile).toThrow(InvalidArgumentError);
    }
  });

  it("rejects bad intervals, ranges, exchanges and limits", async () => {
    const btc = new Token("BTC", { dataset });
    const cases: object[] = [
      { interval: "2h" },
      { start: "yesterday" },
      { start: "2024-02-01", end: "2024-01-01" },
      { start: -1e20 },
      { end: 1e300 },
      { exchange: "binance'; --" },
      { limit: -1 },
      { limit: 1.5 },
      { market: "futures" },
    ];
    for (const options of cases) {
      await expect(btc.ohlcv(options as never), JSON.stringify(options)).rejects.toThrow(
        InvalidArgumentError,
      );
    }
    await expect(btc.ohlcv({ exchange: "kraken" })).rejects.toThrow(/available: binance BTC\/USDT/);
  });

  it("returns no rows for a range without data", async () => {
    expect(await new Token("BTC", { dataset }).ohlcv({ start: "2030-01-01" })).toEqual([]);
  });
});

describe("a damaged local dataset", () => {
  it("refuses a file that differs from the manifest, and a manifest path outside the directory", async () => {
    const copy = await mkdtemp(join(tmpdir(), "cexdata-damaged-"));
    await cp(dir, copy, { recursive: true, filter: (src) => !src.includes(".cache") });
    const file = join(copy, "data/ohlcv_1d/base=SOL/all.parquet");
    const bytes = await readFile(file);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100]! + 1) % 256;
    await writeFile(file, bytes);
    const damaged = new Dataset({ source: copy, cacheDir: join(copy, ".cache") });
    const error = await new Token("SOL", { dataset: damaged }).ohlcv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).path).toBe("data/ohlcv_1d/base=SOL/all.parquet");

    const spec = JSON.parse(await readFile(join(copy, "spec.json"), "utf8"));
    spec.tables.ohlcv_1d.files[0].path = "../../etc/passwd";
    await writeFile(join(copy, "spec.json"), JSON.stringify(spec));
    const escaping = new Dataset({ source: copy, cacheDir: join(copy, ".cache") });
    await expect(new Token("BTC", { dataset: escaping }).ohlcv()).rejects.toThrow(IntegrityError);
    await Promise.all([damaged.close(), escaping.close()]);
    await rm(copy, { recursive: true, force: true });
  });
});
