import { collectLiquidations } from "@cexdata/pipeline";
import type { Exchange } from "ccxt";
import type { Logger } from "pino";
import type { TopicBus } from "../stream/topic-bus.js";
import { CandleBuilder, type LiveInterval } from "./candle-builder.js";
import { OpenInterestMonitor, type MonitorOptions } from "./open-interest-monitor.js";
import { watchOpenInterest } from "./watch-open-interest.js";
import { watchTrades } from "./watch-trades.js";

export interface LiveOptions {
  /** Where the liquidation collector keeps its write-ahead log and merges it (a local dataset). */
  readonly datasetDir: string;
  /** Exchanges with liquidation and trade streams (default binance, okx, bybit). */
  readonly exchanges?: readonly string[];
  /** Bases whose USDT perpetuals are watched (default BTC, ETH). */
  readonly bases?: readonly string[];
  /** A trade worth at least this (USD) is a large trade (default 100,000). */
  readonly largeTradeUsd?: number;
  /** Candles built from trades (default 1m, 5m, 15m, 1h). */
  readonly candleIntervals?: readonly LiveInterval[];
  readonly monitor?: MonitorOptions;
  /** Liquidation log merge period (default 5 minutes, the collector's). */
  readonly mergeEveryMs?: number;
  /** Where exchange URL overrides and proxies are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LiveSources {
  stop(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Everything `--live` runs, publishing to the bus: the liquidation collector (which also writes its
 * write-ahead log and merges it into the dataset, so serving and collecting are one process), trades
 * from the same exchanges (large ones published; all of them folded into candles), and the
 * open-interest / volume monitor over Bybit's tickers and the candles.
 */
export function startLiveSources(p: LiveOptions & { bus: TopicBus; logger: Logger }): LiveSources {
  const env = p.env ?? process.env;
  const exchanges = p.exchanges ?? ["binance", "okx", "bybit"];
  const bases = p.bases ?? ["BTC", "ETH"];
  const largeTradeUsd = p.largeTradeUsd ?? 100_000;
  const controller = new AbortController();
  const logger = p.logger.child({ component: "live" });

  const monitor = new OpenInterestMonitor(
    (s) =>
      p.bus.publish("oi_spikes", { data: { ...s, ts: iso(s.ts) }, exchange: s.exchange, symbol: s.symbol }),
    p.monitor,
  );
  const candles = new CandleBuilder(p.candleIntervals ?? ["1m", "5m", "15m", "1h"], (c) => {
    p.bus.publish(`candles:${c.exchange}:${c.symbol}:${c.interval}`, {
      data: { ...c, ts: iso(c.ts) },
      exchange: c.exchange,
      symbol: c.symbol,
    });
    monitor.addClosedCandle(c);
  });

  const collecting = collectLiquidations({
    datasetDir: p.datasetDir,
    exchanges,
    bases,
    env,
    logger,
    signal: controller.signal,
    ...(p.mergeEveryMs !== undefined && { mergeEveryMs: p.mergeEveryMs }),
    onRow: (row) => {
      const value = typeof row.value === "number" ? row.value : undefined;
      p.bus.publish("liquidations", {
        data: { ...row, ts: typeof row.ts === "number" ? iso(row.ts) : row.ts },
        ...(value !== undefined && { valueUsd: value }),
        exchange: String(row.exchange),
        symbol: String(row.symbol),
      });
    },
  }).catch((error: unknown) => logger.error({ err: error }, "the liquidation collector stopped"));

  const opened: Promise<Exchange>[] = exchanges.map((exchangeId) =>
    watchTrades({
      exchangeId,
      bases,
      env,
      logger,
      signal: controller.signal,
      onTrade: (t) => {
        candles.addTrade(t);
        if (t.valueUsd >= largeTradeUsd) {
          p.bus.publish("large_trades", {
            data: { ...t, ts: iso(t.ts) },
            valueUsd: t.valueUsd,
            exchange: t.exchange,
            symbol: t.symbol,
          });
        }
      },
    }),
  );
  if (exchanges.includes("bybit")) {
    opened.push(
      watchOpenInterest({
        bases,
        env,
        logger,
        signal: controller.signal,
        onSample: (s) => monitor.addOpenInterest(s),
      }),
    );
  }

  return {
    async stop() {
      controller.abort(new Error("server stopping"));
      const settled = await Promise.allSettled(opened);
      for (const s of settled) if (s.status === "fulfilled") await s.value.close().catch(() => undefined);
      await collecting;
    },
  };
}
