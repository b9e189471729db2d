import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import {
  attachLiquidationFeed,
  attachTradeFeed,
  startExchangeSimulator,
  type ExchangeSimulator,
  type LiquidationFeed,
  type StreamFeed,
  type FeedTrade,
} from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEFAULT_DASHBOARD_DIR } from "../src/index.js";
import { copyDataset, startTestServer } from "./support/start-test-server.js";

// The dashboard in Debian's headless Chromium, served by the real server over a dataset the pipeline
// wrote, with --live streams from the testkit. Without Chromium this test fails, it never skips.
// The dashboard is the package build's output (`pnpm --filter @cexdata/server build`).
const CHROMIUM = process.env.CEXDATA_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "test-artifacts");

let browser: Browser;
let sim: ExchangeSimulator;
let feeds: (LiquidationFeed | StreamFeed<FeedTrade>)[];
let dir: string;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CEXDATA_CHROMIUM)`,
    );
  if (!existsSync(path.join(DEFAULT_DASHBOARD_DIR, "app.js")))
    throw new Error(`the dashboard is not built: run pnpm --filter @cexdata/server build`);
  await mkdir(ARTIFACTS, { recursive: true });
  sim = await startExchangeSimulator({ seed: 8 });
  feeds = [
    ...(["binance", "okx", "bybit"] as const).map((exchange) =>
      attachLiquidationFeed(sim.httpServers[exchange], {
        exchange,
        symbols: ["BTC/USDT:USDT"],
        seed: 8,
        everyMs: 100,
      }),
    ),
    ...(["binance", "okx", "bybit"] as const).map((exchange) =>
      attachTradeFeed(sim.httpServers[exchange], {
        exchange,
        symbols: ["BTC/USDT:USDT"],
        seed: 8,
        everyMs: 50,
        largeEvery: 5,
      }),
    ),
  ];
  dir = await copyDataset(inject("datasetDir"));
  server = await startTestServer(dir, {
    live: { datasetDir: dir, bases: ["BTC"], env: sim.env(), mergeEveryMs: 60_000 },
    rateLimitPerMinute: 0,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const feed of feeds ?? []) await feed.stop();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  problems: string[];
}

async function open(url: string, viewport = { width: 1280, height: 1000 }): Promise<Watched> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith(server.url.replace("http", "ws")))
      problems.push(`request outside the server: ${r.url()}`);
  });
  await page.goto(`${server.url}${url}`, { waitUntil: "load" });
  await ready(page);
  return { page, problems };
}

const ready = (page: Page) => page.waitForSelector('main[data-ready="true"]', { timeout: 30_000 });
const points = (page: Page, chart: string) =>
  page.$eval(`[data-chart="${chart}"]`, (el) => Number(el.getAttribute("data-points")));
const canvases = (page: Page, chart: string) =>
  page.$$eval(`[data-chart="${chart}"] canvas`, (c) => c.length);

describe("the dashboard in headless Chromium", () => {
  it("market overview: a card per token with prices per exchange and a chart with data", async () => {
    const { page, problems } = await open("/");
    const cards = await page.$$eval("section.card h2", (h) => h.map((x) => x.textContent));
    expect(cards).toEqual(["BTC", "ETH"]);
    expect(await points(page, "overview-BTC")).toBeGreaterThan(24);
    expect(await canvases(page, "overview-BTC")).toBeGreaterThan(0);
    const exchanges = await page.$$eval("section.card:first-of-type tbody tr td:first-child", (t) =>
      t.map((x) => x.textContent),
    );
    expect(exchanges).toEqual(["binance", "okx", "bybit"]);
    await page.screenshot({ path: path.join(ARTIFACTS, "overview.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("token page: candles, overlay, indicator panel; the pickers change the view and the URL", async () => {
    const { page, problems } = await open("/tokens/BTC?interval=1h");
    expect(await page.textContent("h1")).toBe("BTC on binance (spot, 1h)");
    const hourly = await points(page, "candles");
    expect(hourly).toBeGreaterThan(60);
    expect(await points(page, "panel")).toBeGreaterThan(0);
    await page.selectOption('select[name="interval"]', "15m");
    await ready(page);
    expect(new URL(page.url()).searchParams.get("interval")).toBe("15m");
    expect(await page.textContent("h1")).toBe("BTC on binance (spot, 15m)");
    expect(await points(page, "candles")).toBeGreaterThan(hourly);
    await page.selectOption('select[name="market"]', "perp");
    await ready(page);
    await page.selectOption('select[name="exchange"]', "okx");
    await ready(page);
    await page.selectOption('select[name="panel"]', "macd");
    await ready(page);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      market: "perp",
      exchange: "okx",
      interval: "15m",
      panel: "macd",
    });
    expect(await page.textContent("h1")).toBe("BTC on okx (perp, 15m)");
    for (const chart of ["candles", "panel", "funding", "open-interest", "basis"])
      expect(await points(page, chart), chart).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "token.png"), fullPage: true });
    // Back restores the previous view.
    await page.goBack();
    await ready(page);
    expect(new URL(page.url()).searchParams.get("panel")).toBe("rsi");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("token page on a phone: no sideways scrolling, and the pickers are reachable by keyboard", async () => {
    const { page, problems } = await open("/tokens/ETH?interval=1h", { width: 390, height: 844 });
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    const focused: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      focused.push(
        await page.evaluate(
          'document.activeElement?.getAttribute("name") ?? document.activeElement?.tagName ?? ""',
        ),
      );
    }
    expect(focused).toContain("interval");
    await page.screenshot({ path: path.join(ARTIFACTS, "token-phone.png"), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("live page: liquidations and large trades arrive and are charted", async () => {
    const { page, problems } = await open("/live");
    await page.waitForFunction(
      "Number(document.querySelector('[data-topic=\"liquidations\"]')?.dataset.count) >= 5 && " +
        "Number(document.querySelector('[data-topic=\"large_trades\"]')?.dataset.count) >= 2",
      undefined,
      { timeout: 30_000 },
    );
    expect(await points(page, "live-liquidations")).toBeGreaterThan(0);
    const rows = await page.$$eval('[data-topic="liquidations"] tbody tr', (r) => r.length);
    expect(rows).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "live.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("data health: rows per table charted, freshness and the pipeline's run listed", async () => {
    const { page, problems } = await open("/data-health");
    expect(await points(page, "rows-per-table")).toBeGreaterThan(5);
    const text = await page.textContent("main");
    expect(text).toContain("ohlcv_1m");
    expect(text).toContain("freshness per table and exchange");
    expect(await page.$$eval("table", (t) => t.length)).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: path.join(ARTIFACTS, "data-health.png"), fullPage: true });
    // Navigating by the menu keeps the page a single app (no reload) and marks the current page.
    await page.click('nav a[data-nav="overview"]');
    await ready(page);
    expect(await page.getAttribute('nav a[data-nav="overview"]', "aria-current")).toBe("page");
    expect(problems).toEqual([]);
    await page.close();
  });
});
