import type { Command } from "commander";
import cron from "node-cron";
import { COLLECTABLE_EXCHANGES } from "../../collect/liquidation-rows.js";
import { collectLiquidations } from "../../collect/liquidation-collector.js";
import { addCycleOptions, checkCycleOptions, runCycleWithHooks } from "./cycle-hooks.js";
import { addConfigOptions, loadCommandConfig, type CliContext } from "./context.js";
import { listenForStop } from "./listen-for-stop.js";

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
        // Stopping ends the cycle in flight (its request in flight abandoned); what it stored stays,
        // its report is written and its hooks still run. A second signal exits at once.
        const stopping = listenForStop({ ctx, what: "the schedule and the cycle in flight" });
        let current: Promise<unknown> | null = null;
        const tick = async () => {
          if (stopping.signal.aborted) return;
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
          if (stopping.signal.aborted) resolve();
          else stopping.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        void task.stop();
        try {
          await current;
          await collector;
        } finally {
          stopping.close();
        }
      },
    );
}
