import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTearsheet } from "../src/tearsheet/index.js";
import { createTearsheetInput } from "./tearsheet-data.js";

// The sheet is opened in a real headless Chromium, as a user would open the file. Chromium comes
// from Debian (`apt-get install -y chromium`); without it this test fails, it never skips.
const CHROMIUM = process.env.CEXDATA_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOT = join(tmpdir(), "cexdata-tearsheet.png");

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with 'apt-get update && apt-get install -y chromium' ` +
        "(or point CEXDATA_CHROMIUM at a Chromium binary)",
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  dir = await mkdtemp(join(tmpdir(), "cexdata-tearsheet-"));
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("tearsheet in headless Chromium", () => {
  it("opens offline with no console errors and draws every chart", async () => {
    const input = createTearsheetInput();
    const path = await writeTearsheet(join(dir, "nested", "btc.html"), input);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.title()).toContain("BTC/USDT:USDT");
    expect(await page.locator("svg.candles rect.candle").count()).toBe(input.candles.length);
    expect(await page.locator("svg.candles rect.volume").count()).toBe(input.candles.length);

    // Cumulative return, drawdown, rolling volatility, funding APR, cumulative funding, open interest.
    const lines = await page.locator("svg path.line").evaluateAll((paths) =>
      paths.map((p) => ({
        d: p.getAttribute("d") ?? "",
        width: (p as unknown as { getBBox(): { width: number } }).getBBox().width,
      })),
    );
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line.d.split("L").length).toBeGreaterThan(20);
      // The plot area of a panel is 436 of its 520 viewBox units: each line spans most of it.
      expect(line.width).toBeGreaterThan(340);
    }
    expect(await page.locator("svg circle.marker").count()).toBeGreaterThanOrEqual(1);

    const candleBox = await page.locator("svg.candles").boundingBox();
    expect(candleBox?.width).toBeGreaterThan(800);
    expect(candleBox?.height).toBeGreaterThan(300);

    const stats = await page.locator("table.statistics").innerText();
    for (const label of [
      "Total return",
      "CAGR",
      "Volatility",
      "Sharpe ratio",
      "Sortino ratio",
      "Max drawdown",
      "Funding APR",
    ]) {
      expect(stats).toContain(label);
    }
    const provenance = await page.locator("dl.provenance").innerText();
    expect(provenance).toContain("42");
    expect(provenance).toContain("2024-07-01T00:00:00.000Z");
    expect(provenance).toContain("binance");

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    await page.close();
  });
});
