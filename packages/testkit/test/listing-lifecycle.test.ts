import { createHash } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArchiveSimulator, type ArchiveSimulator } from "../src/archive/start-archive-simulator.js";
import { startExchangeSimulator, type ExchangeSimulator } from "../src/exchanges/index.js";
import { LISTING_LIFECYCLE } from "../src/series/index.js";
import { connect, withRetries } from "./exchanges-helpers.js";

const at = (iso: string) => Date.parse(iso);
let now = at("2024-03-03T00:00:00Z");
let sim: ExchangeSimulator;
let archive: ArchiveSimulator;

beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 5, nowMs: () => now, listingScenario: true });
  archive = await startArchiveSimulator({ seed: 5, nowMs: () => now });
});
afterAll(async () => {
  await sim.stop();
  await archive.stop();
});

/** What a fresh ccxt binance sees of the scenario's perpetuals at the simulator's present. */
async function scenarioMarkets(): Promise<
  Record<string, { active: boolean; info: Record<string, unknown> }>
> {
  const binance = connect(sim, "binance", { options: { defaultType: "swap" } });
  const markets = await withRetries(() => binance.loadMarkets(true));
  return Object.fromEntries(
    Object.values(LISTING_LIFECYCLE.usdm)
      .filter((s) => markets[s] !== undefined)
      .map((s) => [
        s,
        { active: markets[s]!.active !== false, info: markets[s]!.info as Record<string, unknown> },
      ]),
  );
}

describe("listing lifecycle scenario (Binance USDⓈ-M)", () => {
  it("lists FADE while it trades, then SETTLING with its delivery date, then not at all; NOVA pending, then trading", async () => {
    now = at("2024-03-03T00:00:00Z");
    let m = await scenarioMarkets();
    expect(Object.keys(m)).toEqual(["FADE/USDT:USDT"]);
    expect(m["FADE/USDT:USDT"]).toMatchObject({ active: true, info: { status: "TRADING" } });

    now = at("2024-03-05T06:00:00Z");
    m = await scenarioMarkets();
    expect(m["FADE/USDT:USDT"]).toMatchObject({
      active: false,
      info: { status: "SETTLING", deliveryDate: at("2024-03-04T12:00:00Z") },
    });
    expect(m["NOVA/USDT:USDT"]).toMatchObject({
      active: false,
      info: { status: "PENDING_TRADING", onboardDate: at("2024-03-06T08:00:00Z") },
    });

    now = at("2024-03-08T00:00:00Z");
    m = await scenarioMarkets();
    expect(Object.keys(m)).toEqual(["NOVA/USDT:USDT"]);
    expect(m["NOVA/USDT:USDT"]?.active).toBe(true);
  });

  it("keeps printing zero-volume candles at the last price for a day after the delisting, then none", async () => {
    now = at("2024-03-05T06:00:00Z");
    const binance = connect(sim, "binance", { options: { defaultType: "swap" } });
    const rows = (await withRetries(() =>
      binance.fetchOHLCV("FADE/USDT:USDT", "1h", at("2024-03-04T10:00:00Z"), 1000),
    )) as number[][];
    const byHour = new Map(rows.map((r) => [r[0], r]));
    expect(byHour.get(at("2024-03-04T11:00:00Z"))?.[5]).toBeGreaterThan(0);
    const zombie = rows.filter((r) => (r[0] ?? 0) >= at("2024-03-04T12:00:00Z"));
    expect(zombie.length).toBe(19); // 12:00 on the 4th .. 06:00 on the 5th, the hour forming included
    expect(zombie.every((r) => r[5] === 0 && r[1] === r[2] && r[2] === r[3] && r[3] === r[4])).toBe(true);
    expect(new Set(zombie.map((r) => r[4])).size).toBe(1);

    now = at("2024-03-06T00:00:00Z");
    const later = (await withRetries(() =>
      binance.fetchOHLCV("FADE/USDT:USDT", "1h", at("2024-03-05T11:00:00Z"), 1000),
    )) as number[][];
    expect(later.map((r) => r[0])).toEqual([at("2024-03-05T11:00:00Z")]);
  });

  it("a truncated listing answer holds a tenth of the markets, until restored", async () => {
    now = at("2024-03-03T00:00:00Z");
    const binance = connect(sim, "binance");
    const full = Object.keys(await withRetries(() => binance.loadMarkets(true))).length;
    sim.listings.binance.share = 0.1;
    try {
      const cut = Object.keys(await withRetries(() => binance.loadMarkets(true))).length;
      expect(cut).toBeGreaterThan(0);
      expect(cut).toBeLessThanOrEqual(Math.ceil(full * 0.1) + 2); // a tenth of each of the three listings
    } finally {
      sim.listings.binance.share = 1;
    }
    expect(Object.keys(await withRetries(() => binance.loadMarkets(true))).length).toBe(full);
  });

  it("the archive keeps a delisted symbol's daily klines after it left the listing, checksummed", async () => {
    now = at("2024-03-08T00:00:00Z");
    const name = "FADEUSDT-1m-2024-03-04.zip";
    const path = `data/futures/um/daily/klines/FADEUSDT/1m/${name}`;
    const zip = new Uint8Array(await (await fetch(`${archive.url}/${path}`)).arrayBuffer());
    const checksum = await (await fetch(`${archive.url}/${path}.CHECKSUM`)).text();
    expect(checksum).toBe(`${createHash("sha256").update(zip).digest("hex")}  ${name}`);
    const lines = strFromU8(Object.values(unzipSync(zip))[0]!)
      .trimEnd()
      .split("\n")
      .slice(1);
    expect(lines).toHaveLength(1440); // 720 traded minutes, then 720 zero-volume ones
    expect(lines.filter((l) => Number(l.split(",")[5]) === 0)).toHaveLength(720);
  });
});
