import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The pipeline writes the dataset from the testkit's listing lifecycle, as a scheduled run would
// (devDependencies only, never imported by src/).
import { createLogger, parseConfig, runCycle } from "@cexdata/pipeline";
import { NO_ARCHIVE_DEFECTS, startTestkit, type Testkit } from "@cexdata/testkit";
import { Dataset, InvalidArgumentError, Token, Tokens } from "../src/index.js";

const at = (iso: string) => Date.parse(iso);
/** Runs every other day over the testkit's LISTING_LIFECYCLE (Binance USDⓈ-M, 2024-03-01 .. 09). */
const RUNS = ["2024-03-03", "2024-03-05", "2024-03-07", "2024-03-08"].map((d) => at(`${d}T00:30:00Z`));

let tk: Testkit;
let dir: string;
let dataset: Dataset;
let now = RUNS[0]!;

beforeAll(async () => {
  tk = await startTestkit({
    seed: 31,
    nowMs: () => now,
    archiveDefects: NO_ARCHIVE_DEFECTS,
    exchanges: { listingScenario: true },
  });
  dir = await mkdtemp(join(tmpdir(), "cexdata-universe-"));
  for (const runAt of RUNS) {
    now = runAt;
    const { report } = await runCycle({
      config: parseConfig({
        exchanges: ["binance"],
        markets: ["perp"],
        bases: now >= at("2024-03-05") ? ["BTC", "FADE", "NOVA"] : ["BTC", "FADE"],
        tables: ["ohlcv_1h", "exchange_info", "token_info", "coverage"],
        since: "2024-03-01",
      }),
      datasetDir: dir,
      logger: createLogger({ level: "silent" }),
      env: { ...tk.env },
      nowMs: () => now,
    });
    expect(report.failures).toEqual([]);
  }
  dataset = new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
}, 120_000);
afterAll(async () => {
  await dataset.close();
  await tk.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("Tokens.universe: the bases listed at a moment", () => {
  const perps = (when: string) => Tokens.universe({ at: when, exchange: "binance", market: "perp", dataset });

  it("answers before, during and after the delisting and the new listing", async () => {
    // Bases the dataset holds: DOGE, ETH and SOL trade too, but nothing of theirs is stored.
    expect(await perps("2024-03-02")).toEqual(["BTC", "FADE"]);
    expect(await perps("2024-03-04T11:59:59Z")).toContain("FADE");
    expect(await perps("2024-03-04T12:00:00Z")).not.toContain("FADE");
    expect(await perps("2024-03-06T07:59:59Z")).not.toContain("NOVA");
    expect(await perps("2024-03-06T12:00:00Z")).toEqual(["BTC", "NOVA"]);
    expect(await perps("2024-03-08T00:00:00Z")).toEqual(["BTC", "NOVA"]);
    expect(await perps("2019-01-01")).toEqual([]); // before BTC's perpetual was listed
  });

  it("feeds straight into new Tokens(...)", async () => {
    const tokens = new Tokens(await perps("2024-03-02"), { dataset });
    const info = await tokens.info();
    expect(info.map((t) => t.base)).toEqual(["BTC", "FADE"]);
    expect(info.find((t) => t.base === "FADE")).toMatchObject({ markets: 0, delistedMarkets: 1 });
    const candles = await tokens.ohlcv({
      interval: "1h",
      market: "perp",
      start: "2024-03-02",
      end: "2024-03-03",
    });
    expect(new Set(candles.map((c) => c.base))).toEqual(new Set(["BTC", "FADE"]));
  });

  it("refuses a moment that is not one", async () => {
    await expect(Tokens.universe({ at: "yesterday", dataset })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe("token.coverage", () => {
  it("returns a delisted series' days, its zombie candles flagged", async () => {
    const rows = await new Token("FADE", { dataset }).coverage({ table: "ohlcv_1h", exchange: "binance" });
    const day = (iso: string) => rows.find((r) => r.day.getTime() === at(iso));
    expect(day("2024-03-03")).toMatchObject({
      expected: 24,
      present: 24,
      missingMinutes: 0,
      listedAllDay: true,
    });
    expect(day("2024-03-04")).toMatchObject({
      expected: 12,
      present: 24,
      zombieRows: 12,
      listedAllDay: false,
    });
    // The 90-minute outage from 06:00 leaves no 06:00 candle (07:00 has its last half hour).
    expect(day("2024-03-02")).toMatchObject({ expected: 24, present: 23, missingMinutes: 60 });
    expect(rows.every((r) => r.symbol === "FADE/USDT:USDT" && r.tableName === "ohlcv_1h")).toBe(true);
  });

  it("shows as a strip under the candles of the tearsheet, one cell per day", async () => {
    const sheet = await new Token("FADE", { dataset }).tearsheet({
      interval: "1h",
      market: "perp",
      perp: false,
    });
    const html = sheet.toHTML();
    const cells = [...html.matchAll(/<rect class="coverage-day (\w+)"[^>]*><title>([^<]*)<\/title>/g)];
    const byDay = new Map(cells.map((m) => [m[2]!.slice(0, 10), m[1]]));
    expect(byDay.get("2024-03-02")).toBe("partial"); // the outage
    expect(byDay.get("2024-03-03")).toBe("complete");
    expect(byDay.get("2024-03-04")).toBe("zombie");
    expect(cells.find((m) => m[2]!.startsWith("2024-03-04"))?.[2]).toContain(
      "12 zero-volume candles after delisting",
    );
  });

  it("names the table it does not know", async () => {
    await expect(new Token("BTC", { dataset }).coverage({ table: "ohlcv_5m" as never })).rejects.toThrow(
      /ohlcv_1m/,
    );
  });
});
