import ccxt from "ccxt";
import { describe, expect, it } from "vitest";
import { applyExchangeUrlOverride, ExchangeUrlOverrideError } from "./url-override.js";

function urlStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(urlStrings);
  return [];
}

const exchanges = () => [
  new ccxt.binance(),
  new ccxt.okx(),
  new ccxt.bybit(),
  new ccxt.coinbase(),
  new ccxt.binanceusdm(),
];

describe("applyExchangeUrlOverride", () => {
  it.each(exchanges().map((e) => [e.id, e] as const))(
    "points every %s API URL at the override host, keeping paths",
    (_id, exchange) => {
      const before = urlStrings(exchange.urls.api);
      const env = { [`CEXDATA_EXCHANGE_URL_${exchange.id.toUpperCase()}`]: "http://127.0.0.1:9001/" };
      expect(applyExchangeUrlOverride(exchange, env)).toBe(true);
      const after = urlStrings(exchange.urls.api);
      expect(after).toHaveLength(before.length);
      after.forEach((url, i) => {
        expect(url).toMatch(/^(http|ws):\/\/127\.0\.0\.1:9001/);
        const path = (before[i] ?? "").replace(/^[a-z]+:\/\/[^/]+/i, "");
        expect(url.endsWith(path)).toBe(true);
      });
    },
  );

  it("keeps binance's /fapi/v1 and okx's empty path", () => {
    const binance = new ccxt.binance();
    const okx = new ccxt.okx();
    applyExchangeUrlOverride(binance, { CEXDATA_EXCHANGE_URL_BINANCE: "http://127.0.0.1:9001" });
    applyExchangeUrlOverride(okx, { CEXDATA_EXCHANGE_URL_OKX: "http://127.0.0.1:9002" });
    const api = binance.urls.api as Record<string, string>;
    expect(api["fapiPublic"]).toBe("http://127.0.0.1:9001/fapi/v1");
    expect(api["public"]).toBe("http://127.0.0.1:9001/api/v3");
    expect((okx.urls.api as Record<string, string>)["rest"]).toBe("http://127.0.0.1:9002");
  });

  it("turns websocket URLs into ws:// for an http override and wss:// for https", () => {
    const exchange = {
      id: "binance",
      urls: {
        api: { ws: { spot: "wss://stream.binance.com:9443/ws" }, rest: "https://api.binance.com/api/v3" },
      },
    };
    applyExchangeUrlOverride(exchange, { CEXDATA_EXCHANGE_URL_BINANCE: "http://127.0.0.1:9001" });
    expect(exchange.urls.api).toEqual({
      ws: { spot: "ws://127.0.0.1:9001/ws" },
      rest: "http://127.0.0.1:9001/api/v3",
    });
    const secure = { id: "okx", urls: { ws: "wss://ws.okx.com:8443/ws/v5" } as Record<string, unknown> };
    applyExchangeUrlOverride(secure, { CEXDATA_EXCHANGE_URL_OKX: "https://mirror.example" });
    expect(secure.urls["ws"]).toBe("wss://mirror.example/ws/v5");
  });

  it("does nothing without the variable and refuses a URL with a path", () => {
    const exchange = new ccxt.bybit();
    const before = JSON.stringify(exchange.urls.api);
    expect(applyExchangeUrlOverride(exchange, {})).toBe(false);
    expect(JSON.stringify(exchange.urls.api)).toBe(before);
    expect(() =>
      applyExchangeUrlOverride(exchange, { CEXDATA_EXCHANGE_URL_BYBIT: "http://127.0.0.1:1/v5" }),
    ).toThrow(ExchangeUrlOverrideError);
  });
});
