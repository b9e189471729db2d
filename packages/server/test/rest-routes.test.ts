import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import {
  computeBollingerBands,
  computeCorrelationMatrix,
  computeRsi,
  Dataset,
  selectCloses,
  Token,
  Tokens,
} from "@cexdata/client";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { INDICATOR_NAMES } from "../src/index.js";
import { startTestServer } from "./support/start-test-server.js";

const datasetDir = inject("datasetDir");
let server: Awaited<ReturnType<typeof startTestServer>>;
let dataset: Dataset;

beforeAll(async () => {
  server = await startTestServer(datasetDir);
  dataset = new Dataset({ source: datasetDir, cacheDir: path.join(datasetDir, ".cache-client") });
});
afterAll(async () => {
  await server?.close();
  await dataset?.close();
});

const get = (url: string, init?: RequestInit) => fetch(`${server.url}${url}`, init);
const json = async (url: string) => {
  const response = await get(url);
  expect(response.status, `${url}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as unknown;
};
/** What the client's rows look like once written as JSON: Dates as ISO-8601 UTC. */
const asJson = (rows: unknown) => JSON.parse(JSON.stringify(rows)) as unknown;

describe("every route answers exactly the client's rows for the same arguments", () => {
  const btc = () => new Token("BTC", { dataset });
  const cases: [string, () => Promise<unknown>][] = [
    ["/v1/tokens", async () => new Tokens(["BTC", "ETH"], { dataset }).info()],
    ["/v1/tokens/BTC", () => btc().info()],
    ["/v1/tokens/eth", () => new Token("ETH", { dataset }).info()],
    ["/v1/tokens/BTC/ohlcv", () => btc().ohlcv()],
    [
      "/v1/tokens/BTC/ohlcv?interval=1m&exchange=okx&limit=500",
      () => btc().ohlcv({ interval: "1m", exchange: "okx", limit: 500 }),
    ],
    [
      "/v1/tokens/BTC/ohlcv?interval=4h&market=perp&exchange=bybit",
      () => btc().ohlcv({ interval: "4h", market: "perp", exchange: "bybit" }),
    ],
    [
      "/v1/tokens/ETH/ohlcv?interval=1h&start=2026-11-18&end=2026-11-19T12:00:00Z",
      () =>
        new Token("ETH", { dataset }).ohlcv({
          interval: "1h",
          start: "2026-11-18",
          end: "2026-11-19T12:00:00Z",
        }),
    ],
    [
      `/v1/tokens/BTC/ohlcv?interval=15m&start=${Date.UTC(2026, 10, 19)}`,
      () => btc().ohlcv({ interval: "15m", start: Date.UTC(2026, 10, 19) }),
    ],
    ["/v1/tokens/BTC/funding-rates", () => btc().fundingRates()],
    [
      "/v1/tokens/BTC/funding-rates?exchange=okx&limit=3",
      () => btc().fundingRates({ exchange: "okx", limit: 3 }),
    ],
    [
      "/v1/tokens/ETH/open-interest?exchange=bybit",
      () => new Token("ETH", { dataset }).openInterest({ exchange: "bybit" }),
    ],
    ["/v1/tokens/BTC/liquidations?exchange=okx", () => btc().liquidations({ exchange: "okx" })],
    ["/v1/tokens/BTC/markets", () => btc().markets()],
  ];
  it.each(cases)("%s", async (url, expected) => {
    const rows = await expected();
    expect(Array.isArray(rows) ? (rows as unknown[]).length : 1, "the fixture has rows here").toBeGreaterThan(
      0,
    );
    expect(await json(url)).toEqual(asJson(rows));
  });

  it("/v1/tokens/BTC/liquidation-coverage (empty until a collector has run)", async () => {
    expect(await json("/v1/tokens/BTC/liquidation-coverage")).toEqual(
      asJson(await btc().liquidationCoverage()),
    );
  });

  it("indicators are the client's analytics over the client's candles", async () => {
    const candles = await btc().ohlcv({ interval: "1h", exchange: "binance" });
    const closes = candles.map((c) => c.close);
    const rsi = computeRsi(closes, 9);
    expect(await json("/v1/tokens/BTC/indicators/rsi?interval=1h&exchange=binance&period=9")).toEqual(
      asJson(candles.map((c, i) => ({ ts: c.ts, value: rsi[i] }))),
    );
    const bands = computeBollingerBands(closes, { period: 20 });
    const body = (await json("/v1/tokens/BTC/indicators/bollinger?interval=1h&exchange=binance")) as {
      upper: number;
    }[];
    expect(body.map((r) => r.upper)).toEqual(bands.upper);
    const eth = await new Token("ETH", { dataset }).ohlcv({ interval: "1h" });
    expect(await json("/v1/tokens/BTC/indicators/correlation?interval=1h&with=ETH")).toEqual(
      asJson(
        computeCorrelationMatrix({
          BTC: selectCloses(await btc().ohlcv({ interval: "1h" })),
          ETH: selectCloses(eth),
        }),
      ),
    );
    for (const name of INDICATOR_NAMES) {
      const answer = await get(`/v1/tokens/BTC/indicators/${name}?interval=1h&with=ETH`);
      expect(answer.status, name).toBe(200);
    }
  });

  it("?format=csv streams the same rows as CSV with a header", async () => {
    const rows = await btc().fundingRates({ exchange: "okx", limit: 3 });
    const response = await get("/v1/tokens/BTC/funding-rates?exchange=okx&limit=3&format=csv");
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, ...lines] = (await response.text()).trim().split("\n");
    expect(header).toBe(Object.keys(rows[0]!).join(","));
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(",")).toContain(rows[0]!.ts.toISOString());
    expect(lines[0]!.split(",")).toContain(String(rows[0]!.fundingRate));
  });

  it("a CSV answer is streamed (chunked, no Content-Length) as it is formatted, equal to its cached copy", async () => {
    const url = "/v1/tokens/BTC/ohlcv?interval=1h&limit=2500&format=csv";
    const rows = await btc().ohlcv({ interval: "1h", limit: 2500 });
    const response = await get(url);
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(response.headers.get("content-length")).toBeNull();
    const text = await response.text();
    expect(text.trim().split("\n")).toHaveLength(rows.length + 1);
    const cached = await get(url);
    expect(cached.headers.get("x-cexdata-cache")).toBe("hit");
    expect(await cached.text()).toBe(text);
  });

  it("a repeated request is answered from the response cache, identical", async () => {
    const url = "/v1/tokens/BTC/ohlcv?interval=1h&limit=50";
    const first = await get(url);
    const second = await get(url);
    expect(second.headers.get("x-cexdata-cache")).toBe("hit");
    expect(await second.text()).toBe(await first.text());
  });
});

describe("OpenAPI", () => {
  it("/openapi.json validates against the OpenAPI 3 schema and lists every route", async () => {
    const doc = (await json("/openapi.json")) as { paths: Record<string, unknown> };
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/health",
        "/openapi.json",
        "/v1/status",
        "/v1/stream",
        "/v1/stream/topics",
        "/v1/tokens",
        "/v1/tokens/{base}",
        "/v1/tokens/{base}/funding-rates",
        "/v1/tokens/{base}/indicators/{name}",
        "/v1/tokens/{base}/liquidation-coverage",
        "/v1/tokens/{base}/liquidations",
        "/v1/tokens/{base}/markets",
        "/v1/tokens/{base}/ohlcv",
        "/v1/tokens/{base}/open-interest",
      ].sort(),
    );
    // Every path listed is served; the stream as a websocket.
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/v1/stream`);
    await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)));
    socket.close();
    for (const p of Object.keys(doc.paths).filter((p) => p !== "/v1/stream")) {
      const response = await get(p.replace("{base}", "BTC").replace("{name}", "rsi"));
      expect(response.status, p).not.toBe(404);
    }
  });

  it("/docs serves the interactive documentation", async () => {
    const response = await get("/docs/");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("swagger");
  });
});

describe("status", () => {
  it("/v1/status reports the version, freshness, tables and the pipeline's run", async () => {
    const status = (await json("/v1/status")) as {
      version: number;
      freshness: unknown[];
      tables: { table: string; rows: number }[];
      runs: { ok: boolean; command: string }[];
    };
    const spec = await dataset.spec();
    expect(status.version).toBe(spec.version);
    expect(status.freshness).toEqual(asJson(await dataset.freshness()));
    expect(status.tables.find((t) => t.table === "ohlcv_1m")!.rows).toBe(
      spec.tables.ohlcv_1m!.files.reduce((a, f) => a + f.rows, 0),
    );
    expect(status.runs[0]).toMatchObject({ ok: true, command: "run" });
  });

  it("/health answers without touching the dataset", async () => {
    expect(await json("/health")).toMatchObject({ ok: true });
  });
});
