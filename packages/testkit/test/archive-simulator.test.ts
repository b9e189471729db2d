import { createHash } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUTURES_KLINE_HEADER_FROM_MS, KLINE_HEADER, METRICS_HEADER } from "../src/archive/archive-csv.js";
import { DEFAULT_ARCHIVE_DEFECTS } from "../src/archive/archive-defects.js";
import { startArchiveSimulator, type ArchiveSimulator } from "../src/archive/start-archive-simulator.js";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { generateCandles, generateFundingRates } from "../src/series/index.js";

const NOW = Date.UTC(2025, 0, 3, 12);
let archive: ArchiveSimulator;
let exchanges: ExchangeSimulator;

beforeAll(async () => {
  archive = await startArchiveSimulator({ seed: 7, nowMs: () => NOW });
  exchanges = await startExchangeSimulator({ seed: 7, nowMs: () => NOW });
});
afterAll(async () => {
  await archive.stop();
  await exchanges.stop();
});

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function fetchZip(path: string): Promise<{ zip: Uint8Array; checksum: string }> {
  const zipRes = await fetch(`${archive.url}/${path}`);
  expect(zipRes.status, path).toBe(200);
  const zip = new Uint8Array(await zipRes.arrayBuffer());
  const checksum = await (await fetch(`${archive.url}/${path}.CHECKSUM`)).text();
  return { zip, checksum };
}

/** The lines of the single CSV inside a zip named like the zip. */
function csvLines(zip: Uint8Array, zipName: string): string[] {
  const files = unzipSync(zip);
  expect(Object.keys(files)).toEqual([zipName.replace(/\.zip$/, ".csv")]);
  return strFromU8(Object.values(files)[0]!).trimEnd().split("\n");
}

describe("archive simulator (data.binance.vision)", () => {
  it("serves a spot monthly kline zip whose CHECKSUM matches and whose rows are the generator's candles", async () => {
    const name = "BTCUSDT-1h-2024-01.zip";
    const { zip, checksum } = await fetchZip(`data/spot/monthly/klines/BTCUSDT/1h/${name}`);
    expect(checksum).toBe(`${sha256(zip)}  ${name}`); // two spaces, no trailing newline
    const lines = csvLines(zip, name);
    const candles = generateCandles({
      seed: 7,
      exchange: "binance",
      symbol: "BTC/USDT",
      interval: "1h",
      startMs: Date.UTC(2024, 0, 1),
      endMs: Date.UTC(2024, 1, 1),
    });
    expect(lines).toHaveLength(31 * 24);
    const rows = lines.map((l) => l.split(","));
    expect(rows.every((r) => r.length === 12)).toBe(true);
    expect(rows.map((r) => Number(r[0]))).toEqual(candles.map((c) => c.ts));
    expect(rows.map((r) => [r[1], r[2], r[3], r[4]].map(Number))).toEqual(
      candles.map((c) => [c.open, c.high, c.low, c.close]),
    );
    expect(rows.map((r) => [Number(r[5]), Number(r[7]), Number(r[8])])).toEqual(
      candles.map((c) => [c.volume, c.quoteVolume, c.trades]),
    );
    expect(rows[0]![6]).toBe(String(Date.UTC(2024, 0, 1, 1) - 1));
  });

  it("agrees with the exchange simulator's REST klines, character for character", async () => {
    const { zip } = await fetchZip("data/spot/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-06-01.zip");
    const lines = csvLines(zip, "BTCUSDT-1h-2024-06-01.zip");
    const url = `${exchanges.urls.binance}/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=${Date.UTC(2024, 5, 1)}&limit=24`;
    const rest = (await (await fetch(url)).json()) as unknown[][];
    expect(lines).toEqual(rest.map((row) => row.join(",")));
  });

  it("writes spot timestamps in microseconds from 2025-01-01 and in milliseconds before", async () => {
    const before = csvLines(
      (await fetchZip("data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-12-31.zip")).zip,
      "BTCUSDT-1m-2024-12-31.zip",
    );
    const after = csvLines(
      (await fetchZip("data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01-01.zip")).zip,
      "BTCUSDT-1m-2025-01-01.zip",
    );
    expect(before[0]!.split(",")[0]).toBe(String(Date.UTC(2024, 11, 31)));
    expect(before[0]!.split(",")[6]).toBe(String(Date.UTC(2024, 11, 31) + 59_999));
    expect(after[0]!.split(",")[0]).toBe(`${Date.UTC(2025, 0, 1)}000`);
    expect(after[0]!.split(",")[6]).toBe(`${Date.UTC(2025, 0, 1) + 59_999}999`);
    expect(after).toHaveLength(1440);
  });

  it("puts the header row in futures kline files from 2022-05 on, and none before", async () => {
    expect(FUTURES_KLINE_HEADER_FROM_MS).toBe(Date.UTC(2022, 4, 1));
    const april = csvLines(
      (await fetchZip("data/futures/um/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2022-04.zip")).zip,
      "BTCUSDT-1d-2022-04.zip",
    );
    const may = csvLines(
      (await fetchZip("data/futures/um/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2022-05.zip")).zip,
      "BTCUSDT-1d-2022-05.zip",
    );
    expect(april[0]).toMatch(/^\d{13},/);
    expect(april).toHaveLength(30);
    expect(may[0]).toBe(KLINE_HEADER);
    expect(may).toHaveLength(32);
  });

  it("serves monthly funding rates and daily metrics in Binance's columns", async () => {
    const funding = csvLines(
      (await fetchZip("data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2024-01.zip")).zip,
      "BTCUSDT-fundingRate-2024-01.zip",
    );
    expect(funding[0]).toBe("calc_time,funding_interval_hours,last_funding_rate");
    const rates = generateFundingRates({
      seed: 7,
      exchange: "binance",
      symbol: "BTC/USDT:USDT",
      startMs: Date.UTC(2024, 0, 1),
      endMs: Date.UTC(2024, 1, 1),
    });
    expect(funding.slice(1).map((l) => l.split(",").map(Number))).toEqual(
      rates.map((r) => [r.ts, 8, r.fundingRate]),
    );
    const metrics = csvLines(
      (await fetchZip("data/futures/um/daily/metrics/BTCUSDT/BTCUSDT-metrics-2024-01-10.zip")).zip,
      "BTCUSDT-metrics-2024-01-10.zip",
    );
    expect(metrics[0]).toBe(METRICS_HEADER);
    expect(metrics).toHaveLength(1 + 288);
    expect(metrics[1]).toMatch(/^2024-01-10 00:00:00,BTCUSDT,\d+\.\d{8},\d+\.\d{8},/);
  });

  it("answers 404 for what Binance has not published yet, or never", async () => {
    const status = async (path: string) => (await fetch(`${archive.url}/${path}`)).status;
    expect(await status("data/spot/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2025-01.zip")).toBe(404); // month not over
    expect(await status("data/spot/daily/klines/BTCUSDT/1d/BTCUSDT-1d-2025-01-03.zip")).toBe(404); // today
    expect(await status("data/spot/daily/klines/BTCUSDT/1d/BTCUSDT-1d-2025-01-02.zip")).toBe(200);
    expect(await status("data/spot/daily/klines/BTCUSDT/1d/BTCUSDT-1d-2025-01-02.zip.CHECKSUM")).toBe(200);
    expect(await status("data/spot/monthly/klines/NOPEUSDT/1d/NOPEUSDT-1d-2024-01.zip")).toBe(404);
    expect(await status("data/spot/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2016-01.zip")).toBe(404); // before listing
    expect(await status("data/spot/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2024-13.zip")).toBe(404);
    const head = await fetch(`${archive.url}/data/spot/daily/klines/BTCUSDT/1d/BTCUSDT-1d-2025-01-02.zip`, {
      method: "HEAD",
    });
    expect(Number(head.headers.get("content-length"))).toBeGreaterThan(0);
  });

  it("has a missing day: its daily zips 404 and its month's file lacks its rows, nothing else changes", async () => {
    expect(DEFAULT_ARCHIVE_DEFECTS.missingDays[0]).toEqual({
      market: "spot",
      marketId: "BTCUSDT",
      day: "2024-02-14",
    });
    const status = async (path: string) => (await fetch(`${archive.url}/${path}`)).status;
    expect(await status("data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-02-14.zip")).toBe(404);
    expect(await status("data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-02-14.zip.CHECKSUM")).toBe(404);
    expect(await status("data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-02-13.zip")).toBe(200);
    expect(await status("data/spot/daily/klines/ETHUSDT/1m/ETHUSDT-1m-2024-02-14.zip")).toBe(200);
    expect(await status("data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-02-14.zip")).toBe(200);
    const month = csvLines(
      (await fetchZip("data/spot/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2024-02.zip")).zip,
      "BTCUSDT-1d-2024-02.zip",
    );
    const days = month.map((l) => new Date(Number(l.split(",")[0])).toISOString().slice(0, 10));
    expect(days).toHaveLength(28);
    expect(days).not.toContain("2024-02-14");
  });

  it("has a zip whose CHECKSUM does not match it", async () => {
    const path = DEFAULT_ARCHIVE_DEFECTS.badChecksums[0]!;
    const { zip, checksum } = await fetchZip(path);
    expect(checksum).toMatch(/^[0-9a-f]{64} {2}ETHUSDT-1h-2024-03\.zip$/);
    expect(checksum.slice(0, 64)).not.toBe(sha256(zip));
  });

  it("serves the same bytes on every request (stable checksums)", async () => {
    const path = "data/spot/monthly/klines/ETHUSDT/1d/ETHUSDT-1d-2023-05.zip";
    const a = await fetchZip(path);
    const other = await startArchiveSimulator({ seed: 7, nowMs: () => NOW });
    const b = new Uint8Array(await (await fetch(`${other.url}/${path}`)).arrayBuffer());
    await other.stop();
    expect(sha256(b)).toBe(sha256(a.zip));
  });
});
