import type { Command } from "commander";
import cron from "node-cron";
import { COLLECTABLE_EXCHANGES } from "../../collect/liquidation-rows.js";
import { collectLiquidations } from "../../collect/liquidation-collector.js";
import { addCycleOptions, checkCycleOptions, runCycleWithHooks } from "../cycle-hooks.js";
import { addConfigOptions, loadCommandConfig, type CliContext } from "../context.js";

export function registerScheduleCommand(program: Command, ctx: CliContext): void {
  addCycleOptions(
    ctx,
    addConfigOptions(
      program
        .command("schedule")
        .description("run a cycle on the config's cron expression (UTC), one at a time, until stopped"),
    ),
  )
    .option("--cron <expression>", "override the config's schedule")
    .option(
      "--collect-liquidations",
      "also run the websocket liquidation collector in this process, for the config's exchanges and bases",
    )
    .action(
      async (
        opts: { config?: string; dataset?: string; cron?: string; collectLiquidations?: boolean } & Record<
          string,
          unknown
        >,
      ) => {
        if (!checkCycleOptions(ctx, opts)) return;
        const loaded = await loadCommandConfig(ctx, opts);
        if (!loaded) return;
        const expression = opts.cron ?? loaded.config.schedule;
        if (!cron.validate(expression)) {
          ctx.logger.error(
            `schedule: ${JSON.stringify(expression)} is not a cron expression (e.g. "7 * * * *")`,
          );
          ctx.exitCode = 2;
          return;
        }
        // Stopping ends the cycle in flight between requests; what it stored stays, its hooks still run.
        const stopping = new AbortController();
        let current: Promise<unknown> | null = null;
        const tick = async () => {
          if (current !== null) {
            ctx.logger.warn("previous run still going: this tick is skipped");
            return;
          }
          current = runCycleWithHooks({
            ctx,
            ...loaded,
            opts,
            command: "schedule",
            signal: stopping.signal,
          }).catch((error: unknown) => {
            ctx.logger.error(
              `scheduled run failed: ${error instanceof Error ? error.message : String(error)}`,
            );
            ctx.exitCode = 1;
          });
          await current;
          current = null;
        };
        const task = cron.schedule(expression, tick, { timezone: "Etc/UTC" });
        // The collector shares the dataset's writer lock with the cycles: a merge that meets a running
        // cycle waits for the next merge interval.
        const collector = opts.collectLiquidations
          ? collectLiquidations({
              datasetDir: loaded.datasetDir,
              exchanges: loaded.config.exchanges.filter((id) => COLLECTABLE_EXCHANGES.includes(id)),
              bases: loaded.config.bases ?? ["BTC", "ETH"],
              env: ctx.env,
              logger: ctx.logger,
              signal: stopping.signal,
            }).catch((error: unknown) => {
              ctx.logger.error(
                `liquidation collector failed: ${error instanceof Error ? error.message : String(error)}`,
              );
              ctx.exitCode = 1;
            })
          : null;
        ctx.logger.info(`scheduled "${expression}" (UTC); Ctrl-C to stop`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            ctx.stop?.removeEventListener("abort", stop);
            void task.stop();
            stopping.abort();
            resolve();
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
          if (ctx.stop?.aborted) stop();
          else ctx.stop?.addEventListener("abort", stop, { once: true });
        });
        await current;
        await collector;
      },
    );
}
