import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, publishDataset, runCycle, verifyDataset } from "@cexdata/pipeline";
import { SCHEMA_VERSION } from "@cexdata/schema";
import {
  startExchangeSimulator,
  startHubSimulator,
  type ExchangeSimulator,
  type HubSimulator,
} from "@cexdata/testkit";
import { Dataset, Token } from "../src/index.js";
import { installReleasedClient } from "./support/released-client.js";

// A dataset written before the derivatives tables and taker-buy columns (fixtures/dataset-before-
// derivatives, by the pipeline of that day) meets today's code, and today's dataset meets the
// client released before them (fixtures/released-client, installed from its tarballs with npm).

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, "fixtures");
const OLD_CLOCK = Date.UTC(2024, 4, 15, 10, 30);
const NOW = OLD_CLOCK + 86_400_000;
const HOUR = 3_600_000;
const REPO = "cexdata/market-data";
const logger = pino({ level: "silent" });

let work: string;
let dir: string;
let sim: ExchangeSimulator;
let hub: HubSimulator;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cexdata-evolution-"));
  dir = join(work, "dataset");
  await cp(join(FIXTURES, "dataset-before-derivatives"), dir, { recursive: true });
  sim = await startExchangeSimulator({ seed: 15, nowMs: () => NOW });
  hub = await startHubSimulator();
});
afterAll(async () => {
  await sim.stop();
  await hub.stop();
  await rm(work, { recursive: true, force: true });
});

describe("schema evolution", () => {
  it("new code opens, verifies, extends and publishes a dataset written before; the new client reads old rows as null", async () => {
    const before = JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) as Record<string, unknown>;
    expect(before["schema_version"]).toBeUndefined();
    expect((await verifyDataset({ dir, nowMs: () => OLD_CLOCK })).problems).toEqual([]);

    const config = parseConfig({
      exchanges: ["binance", "okx"],
      bases: ["BTC"],
      intervals: ["1h", "1d"],
      tables: [
        "ohlcv_1h",
        "ohlcv_1d",
        "funding_rates",
        "open_interest",
        "exchange_info",
        "token_info",
        "mark_ohlcv_1h",
        "index_ohlcv_1h",
        "long_short_ratios",
      ],
      since: OLD_CLOCK - 3 * 86_400_000,
    });
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    expect(report.failures).toEqual([]);
    expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);
    const after = JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) as {
      schema_version: string;
      tables: Record<string, unknown>;
    };
    expect(after.schema_version).toBe(SCHEMA_VERSION);
    expect(Object.keys(after.tables)).toEqual(expect.arrayContaining(["mark_ohlcv_1h", "long_short_ratios"]));

    const published = await publishDataset({
      datasetDir: dir,
      repo: REPO,
      accessToken: hub.token,
      hubUrl: hub.url,
      logger,
    });
    expect(published.commit).toBeTruthy();

    const dataset = new Dataset({
      source: `hf://datasets/${REPO}`,
      hubUrl: hub.url,
      cacheDir: join(work, "cache"),
    });
    try {
      const token = new Token("BTC", { dataset });
      const candles = await token.ohlcv({ interval: "1h", exchange: "binance", market: "perp" });
      const old = candles.filter((c) => c.ts.getTime() < OLD_CLOCK - HOUR);
      const fresh = candles.filter((c) => c.ts.getTime() >= OLD_CLOCK);
      expect(old.length).toBeGreaterThan(60);
      expect(fresh.length).toBeGreaterThan(20);
      // Rows written before the columns existed read null; rows fetched since carry Binance's values.
      expect(old.every((c) => c.takerBuyVolume === null && c.takerBuyQuoteVolume === null)).toBe(true);
      expect(fresh.every((c) => typeof c.takerBuyVolume === "number" && c.takerBuyVolume > 0)).toBe(true);
      // Built 4h candles: the bucket that mixes old and new hours has no taker-buy volume, never a partial sum.
      const fourHours = await token.ohlcv({ interval: "4h", exchange: "binance", market: "perp" });
      const mixed = fourHours.find((c) => c.ts.getTime() === Date.UTC(2024, 4, 15, 8));
      expect(mixed?.takerBuyVolume).toBeNull();
      const after = fourHours.find((c) => c.ts.getTime() === Date.UTC(2024, 4, 15, 12));
      expect(after?.takerBuyVolume).toBeCloseTo(
        fresh
          .filter(
            (c) => c.ts.getTime() >= Date.UTC(2024, 4, 15, 12) && c.ts.getTime() < Date.UTC(2024, 4, 15, 16),
          )
          .reduce((n, c) => n + c.takerBuyVolume!, 0),
        6,
      );
      expect((await token.markOhlcv({ exchange: "okx" })).length).toBeGreaterThan(90);
      expect((await token.basis({ exchange: "binance", interval: "1d" })).length).toBeGreaterThan(0);
    } finally {
      await dataset.close();
    }
  });

  it("the client released before reads the new dataset: new columns and tables ignored, no error", async () => {
    const released = await installReleasedClient(work);
    const out = await released.run(
      `import { Dataset, Token } from "@cexdata/client";
const dataset = new Dataset({ source: process.argv[2], cacheDir: process.argv[3] });
const token = new Token("BTC", { dataset });
const candles = await token.ohlcv({ interval: "1h", exchange: "binance", market: "perp" });
const funding = await token.fundingRates({ exchange: "okx" });
console.log(JSON.stringify({ candles: candles.length, keys: Object.keys(candles[0]), funding: funding.length, last: candles.at(-1).ts }));
await dataset.close();`,
      [dir, join(work, "old-cache")],
    );
    const result = JSON.parse(out) as { candles: number; keys: string[]; funding: number; last: string };
    expect(result.candles).toBeGreaterThan(90);
    expect(result.funding).toBeGreaterThan(5);
    // It reads the rows the new pipeline added, in the columns it knows.
    expect(Date.parse(result.last)).toBeGreaterThanOrEqual(NOW - 2 * HOUR);
    expect(result.keys).not.toContain("takerBuyVolume");
    expect(result.keys).toEqual(expect.arrayContaining(["open", "close", "volume", "quoteVolume", "trades"]));
  }, 300_000);
});
