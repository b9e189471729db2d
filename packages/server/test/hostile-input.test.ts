import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestServer } from "./support/start-test-server.js";

const datasetDir = inject("datasetDir");
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer(datasetDir);
});
afterAll(async () => {
  await server?.close();
});

const HOSTILE: [string, number, string][] = [
  ["/v1/tokens/..%2F..%2Fetc%2Fpasswd/ohlcv", 400, "InvalidArgumentError"],
  ["/v1/tokens/../../spec.json", 404, "NotFoundError"],
  ["/v1/tokens/BTC'%20OR%201=1--/ohlcv", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?exchange=binance';DROP%20TABLE%20ohlcv_1m;--", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?quote=USDT'%20UNION%20SELECT%201--", 400, "InvalidParameterError"],
  ["/v1/tokens/BTC/ohlcv?interval=1h;SELECT%201", 400, "InvalidParameterError"],
  ["/v1/tokens/BTC/ohlcv?interval=7m", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?market=options", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?limit=999999999999", 400, "InvalidParameterError"],
  ["/v1/tokens/BTC/ohlcv?limit=-5", 400, "InvalidParameterError"],
  ["/v1/tokens/BTC/ohlcv?limit=abc", 400, "InvalidParameterError"],
  ["/v1/tokens/BTC/ohlcv?start=10000-01-01", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?end=9999-12-31", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?start=2026-11-19&end=2026-11-18", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTC/ohlcv?format=xml", 400, "InvalidParameterError"],
  ["/v1/tokens/BTC/ohlcv?sql=SELECT%201", 400, "InvalidParameterError"],
  [`/v1/tokens/${"A".repeat(300)}/ohlcv`, 414, "UriTooLongError"],
  ["/v1/tokens/BTC%00/ohlcv", 400, "InvalidArgumentError"],
  ["/v1/tokens/BTCC/ohlcv", 404, "UnknownTokenError"],
  ["/v1/tokens/BTC/indicators/rsii", 404, "NotFoundError"],
  ["/v1/tokens/BTC/indicators/rsi?period=0", 400, "InvalidParameterError"],
  ["/v1/nothing-here", 404, "NotFoundError"],
];

describe("hostile paths and parameters get a named error and never reach SQL", () => {
  it.each(HOSTILE)("%s -> %i %s", async (url, status, name) => {
    const response = await fetch(`${server.url}${url}`);
    const body = (await response.json()) as { error: string; message: string };
    expect({ status: response.status, error: body.error }).toEqual({ status, error: name });
    expect(body.message.length).toBeGreaterThan(0);
  });

  it("an unknown token names close matches; an unknown indicator names the real ones", async () => {
    const token = (await (await fetch(`${server.url}/v1/tokens/ETHH`)).json()) as { didYouMean: string[] };
    expect(token.didYouMean).toContain("ETH");
    const indicator = (await (await fetch(`${server.url}/v1/tokens/BTC/indicators/macdd`)).json()) as {
      didYouMean: string[];
    };
    expect(indicator.didYouMean).toContain("macd");
  });

  it("the process keeps serving after all of it, and logged no server error", async () => {
    const response = await fetch(`${server.url}/v1/tokens/BTC/ohlcv?limit=2`);
    expect(response.status).toBe(200);
    expect((await response.json()) as unknown[]).toHaveLength(2);
    expect(server.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});

describe("CORS and the rate limit", () => {
  it("sends no CORS header unless origins are configured", async () => {
    const plain = await fetch(`${server.url}/health`, { headers: { origin: "https://evil.example" } });
    expect(plain.headers.get("access-control-allow-origin")).toBeNull();
    const allowed = await startTestServer(datasetDir, { corsOrigins: ["https://app.example"] });
    try {
      const ok = await fetch(`${allowed.url}/health`, { headers: { origin: "https://app.example" } });
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
      const other = await fetch(`${allowed.url}/health`, { headers: { origin: "https://evil.example" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await allowed.close();
    }
  });

  it("answers 429 RateLimitedError past the limit", async () => {
    const limited = await startTestServer(datasetDir, { rateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/health`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const body = (await (await fetch(`${limited.url}/health`)).json()) as { error: string };
      expect(body.error).toBe("RateLimitedError");
    } finally {
      await limited.close();
    }
  });
});
