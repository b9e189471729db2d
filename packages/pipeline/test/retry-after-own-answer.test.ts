import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdapter } from "../src/exchanges/registry.js";
import { requestJson } from "../src/exchanges/request-json.js";
import { withRetry } from "../src/sources/rest/with-retry.js";

// Series run side by side on one ccxt instance, whose `last_response_headers` is whichever answer
// came last. A 429 asking for 2 s must be waited out for 2 s even when another request's 200 (no
// Retry-After) arrived between the refusal and the retry: asking early is what turns 429s into bans.
const NOW = Date.UTC(2024, 2, 3, 4, 5, 6);

let sim: ExchangeSimulator;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: 3, nowMs: () => NOW });
});
afterAll(async () => {
  await sim.stop();
});

describe("a retry after a 429", () => {
  it("waits for the Retry-After of the answer that refused it, whatever answered since", async () => {
    const adapter = createAdapter("binance", { env: sim.env() });
    await adapter.loadMarkets();
    const klines = () =>
      requestJson(adapter.ccxt, "publicGetKlines", { symbol: "BTCUSDT", interval: "1m", limit: 1 });
    sim.faults.set("binance", "/api/v3/klines", { kind: "429", nth: 1, retryAfterSeconds: 2 });
    const waits: number[] = [];
    let attempts = 0;
    const rows = await withRetry(
      async () => {
        attempts += 1;
        try {
          return await klines();
        } catch (refused) {
          // Another series' request is answered (200, no Retry-After) before the retry is planned.
          await klines();
          expect(adapter.ccxt.last_response_headers?.["Retry-After"]).toBeUndefined();
          throw refused;
        }
      },
      {
        exchange: adapter.ccxt,
        policy: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(attempts).toBe(2);
    expect(rows).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2_000);
  });
});
