import { Option, type Command } from "commander";
import cliProgress from "cli-progress";
import { isSeriesTable, isTableName, marketSchema, SERIES_TABLES, type Market } from "@cexdata/schema";
import type { SeriesRef } from "../../exchanges/types.js";
import { logReport } from "../../report/summarize-report.js";
import { runCycle } from "../../run/run-cycle.js";
import { addConfigOptions, loadCommandConfig, type CliContext } from "./context.js";

export interface BackfillRequest {
  readonly series: SeriesRef;
  readonly sinceMs: number;
  readonly untilMs?: number;
  readonly datasetDir: string;
  readonly opts: Record<string, unknown>;
}

/** A way to backfill (`--source <name>`); returns whether everything succeeded. */
export type BackfillSource = (ctx: CliContext, request: BackfillRequest) => Promise<boolean>;

const sources = new Map<string, BackfillSource>();
let defaultSource = "rest";
const optionExtensions: ((cmd: Command) => void)[] = [];

/**
 * Adds a `--source` value (sources/archive registers `archive` and `auto`), optionally as the
 * default, and any options it needs.
 */
export function registerBackfillSource(
  name: string,
  source: BackfillSource,
  options: { default?: boolean; addOptions?: (cmd: Command) => void } = {},
): void {
  sources.set(name, source);
  if (options.default) defaultSource = name;
  if (options.addOptions) optionExtensions.push(options.addOptions);
}

const restSource: BackfillSource = async (ctx, request) => {
  const loaded = await loadCommandConfig(ctx, { ...request.opts, dataset: request.datasetDir });
  if (!loaded) return false;
  const bar =
    process.stderr.isTTY === true
      ? new cliProgress.SingleBar(
          {
            format: "{symbol} {table} [{bar}] {percentage}% | {rows} rows | {eta_formatted}",
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  let rows = 0;
  bar?.start(1000, 0, { symbol: request.series.symbol, table: request.series.table, rows: 0 });
  try {
    const { report, reportFile } = await runCycle({
      config: { ...loaded.config, exchanges: [request.series.exchange] },
      datasetDir: request.datasetDir,
      logger: ctx.logger,
      env: ctx.env,
      command: "backfill",
      only: [{ series: request.series, sinceMs: request.sinceMs, untilMs: request.untilMs }],
      onProgress: (e) => {
        rows += e.rows;
        const span = Math.max(1, e.untilMs - e.sinceMs);
        bar?.update(Math.round((1000 * (e.progressMs - e.sinceMs)) / span), { rows });
      },
    });
    bar?.stop();
    logReport(ctx.logger, report, reportFile);
    return report.ok;
  } finally {
    bar?.stop();
  }
};
sources.set("rest", restSource);

/** `--source rest`: every row over REST, through the same cycle as `cexdata run`. */
export const backfillOverRest: BackfillSource = restSource;

function parseTime(value: string, flag: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new Error(
      `${flag} expects a date such as 2024-01-01, an ISO-8601 time or epoch ms, got ${JSON.stringify(value)}`,
    );
  return ms;
}

export function registerBackfillCommand(program: Command, ctx: CliContext): void {
  const cmd = addConfigOptions(
    program.command("backfill").description("fetch one series over a time range into the dataset"),
  )
    .requiredOption("-e, --exchange <id>", "ccxt exchange id, e.g. binance")
    .requiredOption(
      "-s, --symbol <symbol>",
      "ccxt unified symbol: BTC/USDT (spot) or BTC/USDT:USDT (perpetual)",
    )
    .requiredOption(
      "-t, --table <table>",
      "ohlcv_1m, ohlcv_1h, ohlcv_1d, funding_rates, open_interest or liquidations",
    )
    .requiredOption("--since <date>", "start (inclusive): 2024-01-01, an ISO time or epoch ms")
    .option("--until <date>", "end (exclusive); default: now (closed candles only)")
    .addOption(
      new Option("-m, --market <market>", "spot or perp; default: from the symbol").choices(["spot", "perp"]),
    );
  cmd.addOption(new Option("--source <source>", "where rows come from").default(defaultSource));
  for (const extend of optionExtensions) extend(cmd);
  cmd.action(
    async (opts: {
      exchange: string;
      symbol: string;
      table: string;
      since: string;
      until?: string;
      market?: string;
      source: string;
      dataset?: string;
      config?: string;
    }) => {
      if (!isTableName(opts.table) || !isSeriesTable(opts.table)) {
        ctx.logger.error(
          `--table must be one of ${SERIES_TABLES.join(", ")}; got ${JSON.stringify(opts.table)}`,
        );
        ctx.exitCode = 2;
        return;
      }
      const source = sources.get(opts.source);
      if (!source) {
        ctx.logger.error(
          `--source must be one of ${[...sources.keys()].join(", ")}; got ${JSON.stringify(opts.source)}`,
        );
        ctx.exitCode = 2;
        return;
      }
      let sinceMs: number;
      let untilMs: number | undefined;
      try {
        sinceMs = parseTime(opts.since, "--since");
        untilMs = opts.until === undefined ? undefined : parseTime(opts.until, "--until");
      } catch (error) {
        ctx.logger.error((error as Error).message);
        ctx.exitCode = 2;
        return;
      }
      const market: Market = opts.market
        ? marketSchema.parse(opts.market)
        : opts.symbol.includes(":")
          ? "perp"
          : "spot";
      const series: SeriesRef = { table: opts.table, exchange: opts.exchange, market, symbol: opts.symbol };
      const ok = await source(ctx, {
        series,
        sinceMs,
        untilMs,
        datasetDir: opts.dataset ?? "./dataset",
        opts,
      });
      if (!ok) ctx.exitCode = 1;
    },
  );
}
