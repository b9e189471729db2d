// A scheduled run, bound by the exchanges' rate limits or by us: `runCycle` over every table of the
// four exchanges (the simulator's bases, `top: 50`), against simulators answering after 50-150 ms as a
// real network does, divided by the time the exchanges' published rate limits require for the
// requests the simulator counted (the rate-limit floor). Once with the default `concurrency` (series
// of an exchange side by side, sharing its limiter) and once with one series at a time, for comparison.
//   pnpm bench run-rate-limit        (BENCH_SHORT=1: BTC only, six hours)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeCounters, type SimulatedExchange } from "@cexdata/testkit";
import { benchShort, reportBench } from "../../../bench/report.js";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const logger = pino({ level: "silent" });

/**
 * The published limits the simulators enforce (each exchange's API documentation): Binance 6,000
 * request weight a minute on spot (2,400 on USDⓈ-M: counted here at the spot rate, so the floor is
 * the lowest it can be); OKX per endpoint per 2 s (40 for candles, 20 for history and the rest);
 * Bybit 600 requests per 5 s per IP; Coinbase's public endpoints 10 requests a second.
 */
const OKX_ROUTE_LIMITS: Record<string, number> = {
  "/api/v5/market/candles": 40,
  "/api/v5/market/history-candles": 20,
};
function floorMs(exchange: SimulatedExchange, c: ExchangeCounters): number {
  switch (exchange) {
    case "binance":
      return (c.weightUsed / 6_000) * 60_000;
    case "okx":
      return Math.max(
        0,
        ...Object.entries(c.requests).map(([route, n]) => (n / (OKX_ROUTE_LIMITS[route] ?? 20)) * 2_000),
      );
    case "bybit":
      return (c.total / 600) * 5_000;
    case "coinbase":
      return (c.total / 10) * 1_000;
  }
}

async function measure(concurrency: number) {
  const sim = await startExchangeSimulator({
    seed: 18,
    nowMs: () => NOW,
    latency: { minMs: 50, maxMs: 150 },
  });
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-bench-run-"));
  try {
    const config = parseConfig({
      exchanges: ["binance", "okx", "bybit", "coinbase"],
      ...(benchShort ? { bases: ["BTC"] } : { top: 50 }),
      since: NOW - (benchShort ? 6 : 24) * 3_600_000,
      concurrency,
    });
    const started = performance.now();
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    const wallMs = performance.now() - started;
    if (report.failures.length) throw new Error(`run failed: ${JSON.stringify(report.failures[0])}`);
    const floors = Object.fromEntries(
      (Object.keys(sim.counters) as SimulatedExchange[]).map((id) => [id, floorMs(id, sim.counters[id])]),
    );
    const requests = Object.values(sim.counters).reduce((sum, c) => sum + c.total, 0);
    const rateLimited = Object.values(sim.counters).reduce((sum, c) => sum + c.rateLimited + c.banned, 0);
    return { wallMs, floorMs: Math.max(...Object.values(floors)), floors, requests, rateLimited };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const concurrent = await measure(parseConfig({ exchanges: ["binance"] }).concurrency);
const sequential = await measure(1);
const floors = Object.entries(concurrent.floors)
  .map(([id, ms]) => `${id} ${(ms / 1000).toFixed(1)} s`)
  .join(", ");
reportBench({
  name: "run wall time / rate-limit floor",
  unit: "ms",
  ours: concurrent.wallMs,
  baseline: concurrent.floorMs,
  baselineName: "time the exchanges' published rate limits require for the same requests",
  target: "<= 1.2",
  notes:
    `${concurrent.requests} requests, ${concurrent.rateLimited} refused (429/418); floors: ${floors}; ` +
    `one series at a time: ${(sequential.wallMs / 1000).toFixed(1)} s ` +
    `(${(sequential.wallMs / sequential.floorMs).toFixed(2)}x the floor)`,
});
