import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSharpeRatio, computeMaxDrawdown, computeReturns } from "../src/analytics/index.js";
import { Dataset } from "../src/Dataset.js";
import { Token } from "../src/Token.js";
import {
  renderTearsheet,
  Tearsheet,
  tearsheetForToken,
  TearsheetInputError,
  writeTearsheet,
  type TearsheetToken,
} from "../src/tearsheet/index.js";
import { generateCandles } from "./analytics-candles.js";
import { DAY, HOUR, START_1H, buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset } from "./support/write-dataset.js";
import { createTearsheetInput } from "./tearsheet-data.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cexdata-sheet-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("renderTearsheet", () => {
  it("is one self-contained document: no script, no external URL, hostile names escaped", () => {
    const input = createTearsheetInput(60);
    const html = renderTearsheet({
      ...input,
      provenance: { ...input.provenance, symbol: '<script>alert("x")</script>', exchanges: ["a&b"] },
    });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=|href=/i);
    // The only URL is the SVG namespace, an identifier that is never fetched.
    expect([...html.matchAll(/https?:\/\/[^"\s]+/g)].map((m) => m[0])).toEqual(
      Array<string>(html.match(/<svg /g)?.length ?? 0).fill("http://www.w3.org/2000/svg"),
    );
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("a&amp;b");
  });

  it("leaves the perpetual panels out when no funding or open interest is given", () => {
    const html = renderTearsheet({
      candles: generateCandles(40),
      provenance: createTearsheetInput(2).provenance,
    });
    expect(html).not.toContain("Funding rate");
    expect(html).not.toContain("Open interest");
    expect(html.match(/class="candle"/g)).toHaveLength(40);
  });

  it("prints the same statistics the analytics functions compute", () => {
    const input = createTearsheetInput(120);
    const sheet = new Tearsheet(input);
    const byLabel = new Map(sheet.statistics().map((s) => [s.label, s]));
    const closes = input.candles.map((c) => c.close);
    const sharpe = computeSharpeRatio(computeReturns(closes), { periodsPerYear: 365 });
    expect(byLabel.get("Sharpe ratio")?.value).toBe(sharpe);
    expect(byLabel.get("Sharpe ratio")?.text).toBe(sharpe.toFixed(2));
    const dd = computeMaxDrawdown(closes).maxDrawdown;
    expect(byLabel.get("Max drawdown")?.text).toBe(`${(dd * 100).toFixed(2)}%`);
    expect(sheet.toHTML()).toContain(`${(dd * 100).toFixed(2)}%`);
    expect(sheet.toHTML()).toBe(renderTearsheet(input));
  });

  it("refuses too few candles with a typed error", () => {
    const error = (() => {
      try {
        renderTearsheet({ candles: generateCandles(1), provenance: createTearsheetInput(2).provenance });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TearsheetInputError);
    expect((error as TearsheetInputError).name).toBe("TearsheetInputError");
    expect((error as TearsheetInputError).reason).toBe("too-few-candles");
  });

  it("writes the file, creating folders, and returns its absolute path", async () => {
    const input = createTearsheetInput(30);
    const path = await writeTearsheet(join(dir, "a", "b", "sheet.html"), input);
    expect(path).toBe(join(dir, "a", "b", "sheet.html"));
    expect(await readFile(path, "utf8")).toBe(renderTearsheet(input));
  });
});

describe("tearsheetForToken", () => {
  it("fetches a real Token's candles, funding and open interest and prints the dataset's provenance", async () => {
    // The real Token over a local dataset written by the test support (no mock of our own code).
    const root = join(dir, "dataset");
    await writeTestDataset(root, buildStandardTables());
    const dataset = new Dataset({ source: root, cacheDir: join(root, ".cache") });
    try {
      const token = new Token("BTC", { dataset });
      const out = join(dir, "btc-token.html");
      // A range inside every series, so a sheet that ignored it would show more rows.
      const start = new Date(START_1H + 12 * HOUR);
      const end = new Date(START_1H + 5 * DAY);
      const sheet = await tearsheetForToken(token satisfies TearsheetToken, {
        interval: "1h",
        start,
        end,
        out,
      });
      const { provenance, candles, fundingRates, openInterest } = sheet.input;
      // Exactly what Token itself returns for the same range, row for row.
      expect(candles).toEqual(await token.ohlcv({ interval: "1h", start, end }));
      expect(fundingRates).toEqual(await token.fundingRates({ start, end }));
      expect(openInterest).toEqual(await token.openInterest({ start, end }));
      expect(candles).toHaveLength(108);
      expect(candles[0]!.ts).toEqual(start);
      expect(fundingRates).toHaveLength(13);
      expect(openInterest).toHaveLength(36);
      const spec = await dataset.spec();
      expect(provenance.datasetVersion).toBe(spec.version);
      expect(provenance.updateTime).toBe(spec.update_time);
      expect(provenance.interval).toBe("1h");
      expect(provenance.exchanges).toContain("binance");
      expect(await readFile(out, "utf8")).toBe(sheet.toHTML());
      expect(sheet.toHTML()).toContain("Funding rate (APR)");
    } finally {
      await dataset.close();
    }
  });
});
