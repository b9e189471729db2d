// REST backfill: requests made / ceil(rows / page size) per exchange (target <= 1.02), 429s, weight
// used vs budget, rows/s; and ccxt's own `fetchOHLCV(..., { paginate: true })` on the same simulator.
//   pnpm bench rest-backfill        (BENCH_SHORT=1: one day of 1m candles instead of seven)
import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { startExchangeSimulator, type SimulatedExchange } from "@cexdata/testkit";
import { reportBench } from "../../../bench/report.js";
import { createAdapter } from "../src/exchanges/registry.js";
import { applyExchangeUrlOverride } from "../src/exchanges/url-override.js";
import type { SeriesRef } from "../src/exchanges/types.js";
import { fetchSeries } from "../src/sources/rest/fetch-series.js";
import { RequestStats } from "../src/sources/rest/request-stats.js";

const short = process.env["BENCH_SHORT"] === "1" || process.env["CI"] === "true";
const DAYS = short ? 1 : 7;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const SINCE = NOW - DAYS * 86_400_000;
/** Binance's per-minute weight budgets (spot, USDⓈ-M), as the simulator enforces them. */
const BUDGET: Record<string, number> = { spot: 6_000, perp: 2_400 };

const CASES: { exchange: SimulatedExchange; series: SeriesRef }[] = [
  {
    exchange: "binance",
    series: { table: "ohlcv_1m", exchange: "binance", market: "spot", symbol: "BTC/USDT" },
  },
  {
    exchange: "binance",
    series: { table: "ohlcv_1m", exchange: "binance", market: "perp", symbol: "BTC/USDT:USDT" },
  },
  { exchange: "okx", series: { table: "ohlcv_1m", exchange: "okx", market: "spot", symbol: "BTC/USDT" } },
  {
    exchange: "bybit",
    series: { table: "ohlcv_1m", exchange: "bybit", market: "perp", symbol: "BTC/USDT:USDT" },
  },
  {
    exchange: "coinbase",
    series: { table: "ohlcv_1m", exchange: "coinbase", market: "spot", symbol: "BTC/USD" },
  },
];

const sim = await startExchangeSimulator({ seed: 1 });
const env = { ...process.env, ...sim.env() };
try {
  for (const { exchange, series } of CASES) {
    const stats = new RequestStats();
    const adapter = createAdapter(exchange, { env, stats });
    await adapter.loadMarkets();
    const before = stats.of(exchange).requests;
    /** Rows by the page size of the endpoint that served them (OKX: history 100, the last 1440 bars 300). */
    const rowsByPageSize = new Map<number, number>();
    let rows = 0;
    const t0 = performance.now();
    for await (const page of fetchSeries({
      adapter,
      series,
      sinceMs: SINCE,
      untilMs: NOW,
      nowMs: NOW,
      stats,
    })) {
      rows += page.rows.length;
      rowsByPageSize.set(page.limit, (rowsByPageSize.get(page.limit) ?? 0) + page.rows.length);
    }
    const seconds = (performance.now() - t0) / 1000;
    const s = stats.of(exchange);
    const requests = s.requests - before;
    const ideal = [...rowsByPageSize].reduce((sum, [size, n]) => sum + Math.ceil(n / size), 0);
    const pageSize = [...rowsByPageSize.keys()].join("+");
    const weight =
      exchange === "binance" ? `, peak weight ${s.peakWeight}/${BUDGET[series.market]} per minute` : "";

    // Baseline: ccxt's own pagination against the same simulator.
    const ctor = (ccxt as unknown as Record<string, new (c: object) => Exchange>)[exchange]!;
    const base = new ctor({
      enableRateLimit: true,
      options: { defaultType: series.market === "spot" ? "spot" : "swap" },
    });
    applyExchangeUrlOverride(base, env);
    await base.loadMarkets();
    const counted = () => sim.counters[exchange].total;
    const b0 = counted();
    const t1 = performance.now();
    let baselineRows: string;
    try {
      const candles = await base.fetchOHLCV(series.symbol, "1m", SINCE, undefined, {
        paginate: true,
        paginationCalls: 100_000,
        until: NOW - 1,
      });
      baselineRows = `${candles.length} rows`;
    } catch (error) {
      baselineRows = `failed (${(error as Error).constructor.name}: ${(error as Error).message.slice(0, 80)})`;
    }
    const baseSeconds = (performance.now() - t1) / 1000;
    const baseRequests = counted() - b0;

    reportBench({
      name: `REST backfill ${exchange} ${series.market} 1m x ${DAYS}d`,
      unit: "requests / ceil(rows/page)",
      ours: requests / ideal,
      baseline: null,
      ratio: requests / ideal,
      target: "<= 1.02",
      notes:
        `${requests} requests for ${rows} rows at ${pageSize}/page (ideal ${ideal}); 429s ${s.rateLimited}, 418s ${s.banned}${weight}; ` +
        `${Math.round(rows / seconds)} rows/s. ccxt paginate:true: ${baseRequests} requests, ${baselineRows}, ` +
        `${baseSeconds.toFixed(2)} s vs ours ${seconds.toFixed(2)} s`,
    });
  }
} finally {
  await sim.stop();
}
