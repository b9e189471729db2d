import { InvalidArgumentError, type Command } from "commander";
import { COLLECTABLE_EXCHANGES } from "../../collect/liquidation-rows.js";
import { collectLiquidations } from "../../collect/liquidation-collector.js";
import type { CliContext } from "./context.js";

function parseList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number of seconds > 0, got '${value}'`);
  return n;
}

function parseExchanges(value: string): string[] {
  const ids = parseList(value);
  const unknown = ids.filter((id) => !COLLECTABLE_EXCHANGES.includes(id));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `no public liquidation stream for ${unknown.join(", ")}; choose from ${COLLECTABLE_EXCHANGES.join(", ")}`,
    );
  }
  return ids;
}

/** `cexdata collect liquidations`: the long-running websocket collector (a plugin of the CLI). */
export function register(program: Command, ctx: CliContext): void {
  const collect = program.command("collect").description("long-running collectors over exchange websockets");
  collect
    .command("liquidations")
    .description(
      "listen to public liquidation streams, log every event durably, merge into the dataset with coverage windows",
    )
    .option("--exchanges <ids>", "comma-separated exchange ids", parseExchanges, COLLECTABLE_EXCHANGES)
    .option("--bases <assets>", "comma-separated base assets (their USDT perpetuals)", parseList, [
      "BTC",
      "ETH",
    ])
    .option("--min-value <quote>", "drop events worth less than this, in quote units", Number, 0)
    .option("--merge-every <seconds>", "merge the log into the dataset this often", parseSeconds, 300)
    .option(
      "--for <seconds>",
      "stop after this long (a fixed collection window, e.g. in a scheduled job)",
      parseSeconds,
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .action(
      async (opts: {
        exchanges: string[];
        bases: string[];
        minValue: number;
        mergeEvery: number;
        for?: number;
        dataset: string;
      }) => {
        const controller = new AbortController();
        const stop = (signal: string) => {
          ctx.logger.info({ signal }, "stopping: merging the liquidation log into the dataset");
          controller.abort(new Error(`stopped by ${signal}`));
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
        const timer = opts.for ? setTimeout(() => stop("--for"), opts.for * 1000) : undefined;
        const result = await collectLiquidations({
          datasetDir: opts.dataset,
          exchanges: opts.exchanges,
          bases: opts.bases.map((b) => b.toUpperCase()),
          minValue: opts.minValue,
          mergeEveryMs: opts.mergeEvery * 1000,
          env: ctx.env,
          logger: ctx.logger,
          signal: controller.signal,
        });
        if (timer) clearTimeout(timer);
        ctx.logger.info(result, "liquidation collector stopped");
      },
    );
}
