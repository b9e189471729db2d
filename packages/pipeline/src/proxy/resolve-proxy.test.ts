import ccxt from "ccxt";
import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../log/create-logger.js";
import { redactUrlCredentials } from "../log/redact-url-credentials.js";
import { applyExchangeUrlOverride } from "../exchanges/url-override.js";
import { applyExchangeProxy } from "./apply-exchange-proxy.js";
import { ProxyConfigError, resolveProxy } from "./resolve-proxy.js";

const variable = "CEXDATA_PROXY_BINANCE";

describe("resolveProxy", () => {
  it("takes the explicit variable over the generic ones and uses it even for loopback hosts", () => {
    const proxy = resolveProxy({
      variable,
      env: { [variable]: "http://ann:pw@10.0.0.1:3128/", HTTPS_PROXY: "http://corp:8080" },
    });
    expect(proxy?.url).toBe("http://ann:pw@10.0.0.1:3128");
    expect(proxy?.shown).toBe("http://ann:***@10.0.0.1:3128");
    expect(proxy?.variable).toBe(variable);
    expect(proxy?.appliesTo("http://127.0.0.1:9001/api/v3")).toBe(true);
  });

  it.each([
    [{ HTTPS_PROXY: "http://a:1", https_proxy: "http://b:1", HTTP_PROXY: "http://c:1" }, "HTTPS_PROXY"],
    [{ https_proxy: "http://b:1", HTTP_PROXY: "http://c:1" }, "https_proxy"],
    [{ HTTP_PROXY: "http://c:1", http_proxy: "http://d:1" }, "HTTP_PROXY"],
    [{ [variable]: " ", http_proxy: "http://d:1" }, "http_proxy"],
  ])("falls back to the generic variables in curl's order (%o)", (env, expected) => {
    expect(resolveProxy({ variable, env })?.variable).toBe(expected);
  });

  it("keeps a generic proxy away from loopback and NO_PROXY hosts", () => {
    const proxy = resolveProxy({
      variable,
      env: {
        HTTPS_PROXY: "http://corp:8080",
        NO_PROXY: "internal.example, .binance.vision,fapi.binance.com:8443",
      },
    })!;
    expect(proxy.appliesTo("https://api.binance.com/api/v3")).toBe(true);
    expect(proxy.appliesTo("http://127.0.0.1:9001/api/v3")).toBe(false);
    expect(proxy.appliesTo("ws://localhost:9001/ws")).toBe(false);
    expect(proxy.appliesTo("http://[::1]:9001/")).toBe(false);
    expect(proxy.appliesTo("https://data.binance.vision/data")).toBe(false);
    expect(proxy.appliesTo("https://internal.example/x")).toBe(false);
    expect(proxy.appliesTo("https://fapi.binance.com/fapi/v1")).toBe(true);
    expect(proxy.appliesTo("https://fapi.binance.com:8443/fapi/v1")).toBe(false);
    expect(
      resolveProxy({ variable, env: { HTTP_PROXY: "http://c:1", no_proxy: "*" } })!.appliesTo("https://x.y"),
    ).toBe(false);
  });

  it("returns null without any proxy variable", () => {
    expect(resolveProxy({ variable, env: { NO_PROXY: "*" } })).toBeNull();
  });

  it.each([
    ["ftp://ann:hunter2@proxy:21", "scheme"],
    ["http://ann:hunter2@proxy:3128/path", "no path"],
    ["ann:hunter2@proxy:3128", "scheme"],
    ["http://ann:hunter2@:3128", "not a URL"],
  ])("refuses %s naming the variable, with the password hidden", (value, reason) => {
    let caught: unknown;
    try {
      resolveProxy({ variable, env: { [variable]: value } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProxyConfigError);
    const error = caught as ProxyConfigError;
    expect(error.name).toBe("ProxyConfigError");
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(reason);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("hunter2");
  });
});

describe("applyExchangeProxy", () => {
  it("sends REST and websockets of the exchange through its http proxy", () => {
    const binance = new ccxt.pro.binance();
    const proxy = applyExchangeProxy(binance, { [variable]: "http://ann:pw@10.0.0.1:3128" });
    expect(proxy?.shown).toBe("http://ann:***@10.0.0.1:3128");
    expect(binance.httpsProxyCallback("https://fapi.binance.com/fapi/v1/time")).toBe(
      "http://ann:pw@10.0.0.1:3128",
    );
    expect(binance.wssProxy).toBe("http://ann:pw@10.0.0.1:3128");
    expect(binance.checkProxySettings("https://api.binance.com/api/v3/time")).toEqual([
      undefined,
      "http://ann:pw@10.0.0.1:3128",
      undefined,
    ]);
  });

  it("uses ccxt's socks settings for a socks5 proxy", () => {
    const bybit = new ccxt.pro.bybit();
    applyExchangeProxy(bybit, { CEXDATA_PROXY_BYBIT: "socks5://10.0.0.1:1080" });
    expect(bybit.socksProxyCallback("https://api.bybit.com/v5/market/time")).toBe("socks5://10.0.0.1:1080");
    expect(bybit.wsSocksProxy).toBe("socks5://10.0.0.1:1080");
    expect(bybit.wssProxy).toBeUndefined();
  });

  it("leaves an exchange pointed at the local simulator direct under a stray HTTPS_PROXY", () => {
    const env = { CEXDATA_EXCHANGE_URL_BINANCE: "http://127.0.0.1:9001", HTTPS_PROXY: "http://corp:8080" };
    const binance = new ccxt.pro.binance();
    applyExchangeUrlOverride(binance, env);
    applyExchangeProxy(binance, env);
    expect(binance.checkProxySettings("http://127.0.0.1:9001/api/v3/time")).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(binance.wssProxy).toBeUndefined();
    expect(applyExchangeProxy(new ccxt.okx(), { HTTPS_PROXY: "http://corp:8080" })).not.toBeNull();
  });
});

describe("secrets of proxy URLs", () => {
  it("redacts the password of every URL in a text, keeping user and host", () => {
    expect(redactUrlCredentials("via http://ann:p@ss@10.0.0.1:3128 and socks5://:x@h:1 and https://h/")).toBe(
      "via http://ann:***@10.0.0.1:3128 and socks5://:***@h:1 and https://h/",
    );
  });

  it("scrubs the environment's proxy passwords from messages, even without their URL", () => {
    const env = {
      CEXDATA_PROXY_OKX: "http://ann:s%40cret99@10.0.0.1:3128",
      https_proxy: "http://u:other-pw@p:1",
    };
    expect(scrubSecrets("auth s@cret99 / s%40cret99 / other-pw failed", env)).toBe(
      "auth [redacted] / [redacted] / [redacted] failed",
    );
  });
});
