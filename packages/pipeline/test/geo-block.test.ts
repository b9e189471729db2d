import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import {
  BINANCE_451_BODY,
  BYBIT_403_JSON_BODY,
  CLOUDFRONT_403_HTML_BODY,
  startExchangeSimulator,
  startGeoBlockGate,
  type ExchangeSimulator,
  type GeoBlockAnswer,
  type GeoBlockGate,
} from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { isGeoBlockAnswer } from "../src/exchanges/geo-block.js";
import { runCycle } from "../src/run/run-cycle.js";
import { verifyDataset } from "../src/store/index.js";
import { readTable } from "./helpers/read-table.js";

const NOW = Date.UTC(2024, 4, 15, 10, 30, 17);
const logger = pino({ level: "silent" });

describe("what counts as a geo-block", () => {
  it("Binance's 451 and CloudFront's country block (HTML and JSON), not a plain 403", () => {
    expect(isGeoBlockAnswer(451, BINANCE_451_BODY)).toBe(true);
    expect(isGeoBlockAnswer(403, CLOUDFRONT_403_HTML_BODY)).toBe(true);
    expect(isGeoBlockAnswer(403, BYBIT_403_JSON_BODY)).toBe(true);
    // Binance's WAF limit and Bybit's "access too frequent" keep their meaning (rate limits).
    expect(isGeoBlockAnswer(403, "")).toBe(false);
    expect(isGeoBlockAnswer(403, "403, access too frequent")).toBe(false);
    expect(isGeoBlockAnswer(429, BINANCE_451_BODY)).toBe(false);
  });
});

describe.each<GeoBlockAnswer>(["cloudfront-403-html", "cloudfront-403-json"])(
  "a run with Bybit behind CloudFront's country block (%s)",
  (answer) => {
    let sim: ExchangeSimulator;
    let gate: GeoBlockGate;
    let dir: string;
    beforeAll(async () => {
      sim = await startExchangeSimulator({ seed: 3, nowMs: () => NOW });
      gate = await startGeoBlockGate({ target: sim.urls.bybit, answer });
      dir = await mkdtemp(path.join(tmpdir(), "cexdata-geo-"));
    });
    afterAll(async () => {
      await gate.stop();
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it("asks the blocked host once, reports Bybit blocked with the remedy, and stores OKX", async () => {
      const config = parseConfig({
        exchanges: ["okx", "bybit"],
        bases: ["BTC"],
        tables: ["ohlcv_1h", "funding_rates", "exchange_info"],
        since: NOW - 86_400_000,
      });
      const { report } = await runCycle({
        config,
        datasetDir: dir,
        logger,
        env: { ...sim.env(), CEXDATA_EXCHANGE_URL_BYBIT: gate.url },
        nowMs: () => NOW,
      });
      expect(gate.counters.refused).toBeGreaterThan(0);
      expect(gate.counters.refused).toBeLessThanOrEqual(2);
      expect(sim.counters.bybit.total).toBe(0);
      expect(report.failures).toEqual([]);
      expect(report.ok).toBe(true);
      const bybit = report.blocked.filter((b) => b.exchange === "bybit");
      expect(bybit.map((b) => `${b.table} ${b.market}`).sort()).toEqual([
        "exchange_info perp",
        "exchange_info spot",
        "funding_rates perp",
        "ohlcv_1h perp",
        "ohlcv_1h spot",
      ]);
      for (const b of bybit) {
        expect(b.host).toBe("api.bybit.com");
        expect(b.remedy).toContain("CEXDATA_PROXY_BYBIT");
        expect(b.message).toContain("BTC");
      }
      const candles = await readTable(dir, "ohlcv_1h");
      expect(new Set(candles.map((r) => r.exchange))).toEqual(new Set(["okx"]));
      expect(candles.length).toBeGreaterThan(0);
      expect((await verifyDataset({ dir, nowMs: () => NOW })).problems).toEqual([]);
    });
  },
);
