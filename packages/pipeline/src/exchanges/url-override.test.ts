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

  it("rewrites each named host to its own base and leaves the hosts it does not name alone", () => {
    const binance = new ccxt.pro.binance();
    const env = {
      CEXDATA_EXCHANGE_URL_BINANCE:
        " api.binance.com=http://127.0.0.1:9001 , fapi.binance.com=http://127.0.0.1:9002/,fstream.binance.com=https://127.0.0.1:9003",
    };
    expect(applyExchangeUrlOverride(binance, env)).toBe(true);
    const api = binance.urls.api as Record<string, unknown>;
    expect(api["public"]).toBe("http://127.0.0.1:9001/api/v3");
    expect(api["sapi"]).toBe("http://127.0.0.1:9001/sapi/v1");
    expect(api["fapiPublic"]).toBe("http://127.0.0.1:9002/fapi/v1");
    expect(api["fapiData"]).toBe("http://127.0.0.1:9002/futures/data");
    expect(api["dapiPublic"]).toBe("https://dapi.binance.com/dapi/v1");
    const ws = api["ws"] as Record<string, unknown>;
    expect(ws["future"]).toBe("wss://127.0.0.1:9003/ws");
    expect(ws["spot"]).toBe("wss://stream.binance.com:9443/ws");
  });

  it("matches the host a URL has when applied, so a moved endpoint follows its new host", () => {
    const binance = new ccxt.binance();
    (binance.urls.api as Record<string, string>)["public"] = "https://data-api.binance.vision/api/v3";
    applyExchangeUrlOverride(binance, {
      CEXDATA_EXCHANGE_URL_BINANCE:
        "data-api.binance.vision=http://127.0.0.1:9003,api.binance.com=http://127.0.0.1:9001",
    });
    const api = binance.urls.api as Record<string, string>;
    expect(api["public"]).toBe("http://127.0.0.1:9003/api/v3");
    expect(api["private"]).toBe("http://127.0.0.1:9001/api/v3");
  });

  it("matches a host with its port, and ccxt's {hostname} hosts by their real name", () => {
    const binance = new ccxt.pro.binance();
    applyExchangeUrlOverride(binance, {
      CEXDATA_EXCHANGE_URL_BINANCE: "stream.binance.com:9443=http://127.0.0.1:9004",
    });
    const ws = (binance.urls.api as Record<string, Record<string, unknown>>)["ws"]!;
    expect(ws["spot"]).toBe("ws://127.0.0.1:9004/ws");
    const bybit = new ccxt.bybit();
    applyExchangeUrlOverride(bybit, { CEXDATA_EXCHANGE_URL_BYBIT: "api.bybit.com=http://127.0.0.1:9005" });
    expect((bybit.urls.api as Record<string, string>)["public"]).toBe("http://127.0.0.1:9005");
  });

  it("reports false when no URL has a named host", () => {
    const okx = new ccxt.okx();
    const before = JSON.stringify(okx.urls.api);
    expect(
      applyExchangeUrlOverride(okx, { CEXDATA_EXCHANGE_URL_OKX: "www.example.com=http://127.0.0.1:1" }),
    ).toBe(false);
    expect(JSON.stringify(okx.urls.api)).toBe(before);
  });

  it.each([
    ["a pair without a host", "=http://127.0.0.1:1"],
    ["a base with a path", "api.binance.com=http://127.0.0.1:1/api"],
    ["a base that is no URL", "api.binance.com=127.0.0.1:1"],
    ["a host named twice", "api.binance.com=http://127.0.0.1:1,API.binance.com=http://127.0.0.1:2"],
  ])("refuses %s, naming the variable and never a password", (_what, value) => {
    const secretValue = `${value},fapi.binance.com=http://ann:hunter2@127.0.0.1:9`;
    let caught: unknown;
    try {
      applyExchangeUrlOverride(new ccxt.binance(), { CEXDATA_EXCHANGE_URL_BINANCE: secretValue });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExchangeUrlOverrideError);
    const error = caught as ExchangeUrlOverrideError;
    expect(error.name).toBe("ExchangeUrlOverrideError");
    expect(error.variable).toBe("CEXDATA_EXCHANGE_URL_BINANCE");
    expect(error.message).toContain("CEXDATA_EXCHANGE_URL_BINANCE");
    expect(error.message).toContain("http://ann:***@127.0.0.1:9");
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("hunter2");
  });
});
