// REST backfill: requests made / the fewest requests that can fetch the rows (target <= 1.02), per
// exchange; 429s, weight used vs budget, rows/s. Both sides are independent of our code: requests are
// counted by the simulator, and the ideal is the rows that exist in the simulator's series over the
// exchange's documented cheapest page size. ccxt's own `fetchOHLCV(..., { paginate: true })` on the
// same simulator is reported beside it, as a comparison only when it fetched the same rows.
//   pnpm bench rest-backfill        (BENCH_SHORT=1: one day of 1m candles instead of seven)
import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { generateCandles, startExchangeSimulator, type SimulatedExchange } from "@cexdata/testkit";
import { reportBench } from "../../../bench/report.js";
import { createAdapter } from "../src/exchanges/registry.js";
import { applyExchangeUrlOverride } from "../src/exchanges/url-override.js";
import type { SeriesRef } from "../src/exchanges/types.js";
import { fetchSeries } from "../src/sources/rest/fetch-series.js";
import { RequestStats } from "../src/exchanges/request-stats.js";

const short = process.env["BENCH_SHORT"] === "1" || process.env["CI"] === "true";
const DAYS = short ? 1 : 7;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const SINCE = NOW - DAYS * 86_400_000;
/** Binance's per-minute weight budgets (spot, USDⓈ-M), as the simulator enforces them. */
const BUDGET: Record<string, number> = { spot: 6_000, perp: 2_400 };

const SEED = 1;
/**
 * Page sizes of the 1m candle endpoints that fetch the most rows per unit of rate limit, as the
 * exchanges document them (and the simulator enforces): Binance spot klines weigh 2 at any limit up to
 * 1000, so 1000; USDⓈ-M klines weigh 1 below 100, 2 below 500, 5 up to 1000 and 10 above, so 499 rows
 * for weight 2 is the cheapest per row; OKX's candles and history-candles give 300 (candles only over
 * the latest 1440 bars); Bybit v5 kline 1000; Coinbase Advanced Trade 350 ("max 350" in its reference).
 */
function idealRequests(series: SeriesRef, ts: readonly number[]): number {
  const page =
    series.exchange === "okx"
      ? 300
      : series.exchange === "coinbase"
        ? 350
        : series.exchange === "binance" && series.market === "perp"
          ? 499
          : 1000;
  return Math.ceil(ts.length / page);
}

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

const sim = await startExchangeSimulator({ seed: SEED });
const env = { ...process.env, ...sim.env() };
try {
  for (const { exchange, series } of CASES) {
    const stats = new RequestStats();
    const adapter = createAdapter(exchange, { env, stats });
    await adapter.loadMarkets();
    // The rows that exist, from the simulator's own series (closed 1m candles in [SINCE, NOW)).
    const existing = generateCandles({
      seed: SEED,
      exchange,
      symbol: series.symbol,
      interval: "1m",
      startMs: SINCE,
      endMs: NOW,
      nowMs: NOW - 1,
    }).map((c) => c.ts);
    const ideal = idealRequests(series, existing);
    const before = sim.counters[exchange].total;
    const fetchedTs = new Set<number>();
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
      for (const r of page.rows) fetchedTs.add(Number((r as { ts: number }).ts));
    }
    const seconds = (performance.now() - t0) / 1000;
    const requests = sim.counters[exchange].total - before;
    if (fetchedTs.size !== existing.length || existing.some((t) => !fetchedTs.has(t)))
      throw new Error(
        `${exchange} ${series.market}: fetched ${fetchedTs.size} distinct rows of ${existing.length}`,
      );
    const s = stats.of(exchange);
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
      const inRange = new Set(candles.map((c) => Number(c[0])).filter((t) => t >= SINCE && t < NOW));
      const same = inRange.size === existing.length && existing.every((t) => inRange.has(t));
      baselineRows = same
        ? `the same ${existing.length} rows (${candles.length} returned)`
        : `NOT comparable: ${inRange.size} of the ${existing.length} rows (${candles.length} returned)`;
    } catch (error) {
      baselineRows = `NOT comparable: failed (${(error as Error).constructor.name}: ${(error as Error).message.slice(0, 80)})`;
    }
    const baseSeconds = (performance.now() - t1) / 1000;
    const baseRequests = counted() - b0;

    reportBench({
      name: `REST backfill ${exchange} ${series.market} 1m x ${DAYS}d`,
      unit: "requests / ceil(rows/page)",
      ours: requests,
      baseline: ideal,
      baselineName: "fewest requests: existing rows / documented cheapest page",
      ratio: requests / ideal,
      target: "<= 1.02",
      notes:
        `${requests} requests (simulator's count) for ${rows} rows, ideal ${ideal}; 429s ${s.rateLimited}, 418s ${s.banned}${weight}; ` +
        `${Math.round(rows / seconds)} rows/s. ccxt paginate:true: ${baseRequests} requests, ${baselineRows}, ` +
        `${baseSeconds.toFixed(2)} s vs ours ${seconds.toFixed(2)} s`,
    });
  }
} finally {
  await sim.stop();
}
