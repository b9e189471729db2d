import { describe, expect, it } from "vitest";
import { startTestkit } from "../src/start-testkit.js";

describe("startTestkit", () => {
  it("starts the three simulators, hands out a complete env and stops cleanly", async () => {
    const now = Date.UTC(2024, 5, 1);
    const testkit = await startTestkit({ seed: 3, nowMs: () => now, hubToken: "hf_test_token" });
    const { env } = testkit;
    expect(Object.keys(env).sort()).toEqual([
      "CEXDATA_ARCHIVE_URL",
      "CEXDATA_EXCHANGE_URL_BINANCE",
      "CEXDATA_EXCHANGE_URL_BYBIT",
      "CEXDATA_EXCHANGE_URL_COINBASE",
      "CEXDATA_EXCHANGE_URL_OKX",
      "HF_ENDPOINT",
      "HF_TOKEN",
    ]);
    for (const [name, value] of Object.entries(env)) {
      if (name !== "HF_TOKEN") expect(value, name).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(env.HF_TOKEN).toBe("hf_test_token");

    const time = (await (await fetch(`${env.CEXDATA_EXCHANGE_URL_BINANCE}/api/v3/time`)).json()) as {
      serverTime: number;
    };
    expect(time.serverTime).toBe(now);
    const checksum = await fetch(
      `${env.CEXDATA_ARCHIVE_URL}/data/spot/monthly/klines/BTCUSDT/1d/BTCUSDT-1d-2024-05.zip.CHECKSUM`,
    );
    expect(checksum.status).toBe(200);
    const missingRepo = await fetch(`${env.HF_ENDPOINT}/api/datasets/cexdata/none`, {
      headers: { Authorization: `Bearer ${env.HF_TOKEN}` },
    });
    expect(missingRepo.status).toBe(404);
    expect(missingRepo.headers.get("x-error-code")).toBe("RepoNotFound");

    await testkit.stop();
    await testkit.stop();
    await expect(fetch(`${env.HF_ENDPOINT}/api/datasets/cexdata/none`)).rejects.toThrow();
    await expect(fetch(`${env.CEXDATA_ARCHIVE_URL}/data/`)).rejects.toThrow();
    // The exchange simulators stop too: nothing answers on their ports.
    for (const name of [
      "CEXDATA_EXCHANGE_URL_BINANCE",
      "CEXDATA_EXCHANGE_URL_OKX",
      "CEXDATA_EXCHANGE_URL_BYBIT",
      "CEXDATA_EXCHANGE_URL_COINBASE",
    ] as const) {
      await expect(fetch(`${env[name]}/`), name).rejects.toThrow();
    }
  });
});
