// A scheduled run, bound by the exchanges' rate limits or by us: `runCycle` over every table of the
// four exchanges for 50 bases (the simulator lists BTC, ETH, SOL and generated ones: `bases: 50`,
// `top: 50`), against simulators answering after 50-150 ms as a real network does, divided by the
// time the exchanges' published rate limits require for the requests the simulator counted (the
// rate-limit floor). Once with the default `concurrency` (series of an exchange side by side, sharing
// its limiter) and, for comparison, once with one series at a time over 10 of the bases.
//   pnpm bench run-rate-limit        (BENCH_SHORT=1: BTC only, six hours)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import {
  PUBLISHED_LIMITS,
  okxRouteLimit,
  type ExchangeCounters,
  type SimulatedExchange,
} from "@cexdata/testkit";
import { benchShort, reportBench } from "../../../bench/report.js";
import { startSimulatorChild } from "./exchange-simulator-child.js";
import { parseConfig } from "../src/config/load-config.js";
import { runCycle } from "../src/run/run-cycle.js";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const BASES = 50;
const logger = pino({ level: "silent" });

/**
 * The least time `units` take under "at most `limit` per `windowMs`" (sliding or aligned windows):
 * a window's worth at once, each further window's worth one window later.
 */
const required = (units: number, limit: number, windowMs: number): number =>
  units > 0 ? (Math.ceil(units / limit) - 1) * windowMs : 0;

/**
 * The floor of one exchange: the longest any of its published limits (the ones the simulators
 * enforce, PUBLISHED_LIMITS) requires for what was sent. Binance counts spot and USDⓈ-M weight
 * apart (6,000 and 2,400 a minute); OKX each endpoint per 2 s; Bybit 600 per 5 s; Coinbase 10 a
 * second. Exchanges run side by side, so the run's floor is the longest of the four.
 */
function floorMs(exchange: SimulatedExchange, c: ExchangeCounters): number {
  switch (exchange) {
    case "binance": {
      const { spotWeight, usdmWeight, windowMs } = PUBLISHED_LIMITS.binance;
      return Math.max(
        required(c.weightUsedBy["spot"] ?? 0, spotWeight, windowMs),
        required(c.weightUsedBy["usdm"] ?? 0, usdmWeight, windowMs),
      );
    }
    case "okx":
      return Math.max(
        0,
        ...Object.entries(c.requests).map(([route, n]) =>
          required(n, okxRouteLimit(route), PUBLISHED_LIMITS.okx.windowMs),
        ),
      );
    case "bybit":
      return required(c.total, PUBLISHED_LIMITS.bybit.requests, PUBLISHED_LIMITS.bybit.windowMs);
    case "coinbase":
      return required(c.total, PUBLISHED_LIMITS.coinbase.requests, PUBLISHED_LIMITS.coinbase.windowMs);
  }
}

async function measure(concurrency: number, bases: number) {
  // The simulators in a process of their own, as the exchanges are: their CPU is not the run's.
  const sim = await startSimulatorChild({
    seed: 18,
    nowMs: NOW,
    latency: { minMs: 50, maxMs: 150 },
    ...(benchShort ? {} : { bases: BASES }),
  });
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-bench-run-"));
  try {
    const config = parseConfig({
      exchanges: ["binance", "okx", "bybit", "coinbase"],
      ...(benchShort ? { bases: ["BTC"] } : { top: bases }),
      since: NOW - (benchShort ? 6 : 24) * 3_600_000,
      concurrency,
    });
    const started = performance.now();
    const { report } = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => NOW });
    const wallMs = performance.now() - started;
    if (report.failures.length) throw new Error(`run failed: ${JSON.stringify(report.failures[0])}`);
    const counters = await sim.counters();
    const floors = Object.fromEntries(
      (Object.keys(counters) as SimulatedExchange[]).map((id) => [id, floorMs(id, counters[id])]),
    );
    const requests = Object.values(counters).reduce((sum, c) => sum + c.total, 0);
    const rateLimited = Object.values(counters).reduce((sum, c) => sum + c.rateLimited + c.banned, 0);
    const refusedBy = Object.entries(counters)
      .filter(([, c]) => c.rateLimited + c.banned > 0)
      .map(([id, c]) => `${id} ${c.rateLimited + c.banned}`)
      .join(", ");
    // At least a millisecond: a run too small to meet any limit still has a ratio.
    return {
      wallMs,
      floorMs: Math.max(1, ...Object.values(floors)),
      floors,
      requests,
      rateLimited,
      refusedBy,
    };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One series at a time takes minutes per base: compared on fewer bases, against its own floor. */
const SEQUENTIAL_BASES = 10;
const concurrent = await measure(parseConfig({ exchanges: ["binance"] }).concurrency, BASES);
const sequential = await measure(1, SEQUENTIAL_BASES);
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
    `${concurrent.requests} requests, ${concurrent.rateLimited} refused (429/418)` +
    `${concurrent.refusedBy ? ` (${concurrent.refusedBy})` : ""}; floors: ${floors}; ` +
    `one series at a time${benchShort ? "" : ` (${SEQUENTIAL_BASES} bases)`}: ${(sequential.wallMs / 1000).toFixed(1)} s ` +
    `(${(sequential.wallMs / sequential.floorMs).toFixed(2)}x the floor)`,
});
