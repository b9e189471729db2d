import type { Command } from "commander";
import cron from "node-cron";
import { logReport } from "../../report/summarize-report.js";
import { runCycle } from "../../run/run-cycle.js";
import { addConfigOptions, loadCommandConfig, type CliContext } from "../context.js";

export function registerScheduleCommand(program: Command, ctx: CliContext): void {
  addConfigOptions(
    program
      .command("schedule")
      .description("run a cycle on the config's cron expression (UTC), one at a time, until stopped"),
  )
    .option("--cron <expression>", "override the config's schedule")
    .action(async (opts: { config?: string; dataset?: string; cron?: string }) => {
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
      let running = false;
      const task = cron.schedule(
        expression,
        async () => {
          if (running) {
            ctx.logger.warn("previous run still going: this tick is skipped");
            return;
          }
          running = true;
          try {
            const { report, reportFile } = await runCycle({
              config: loaded.config,
              datasetDir: loaded.datasetDir,
              logger: ctx.logger,
              env: ctx.env,
              command: "schedule",
            });
            logReport(ctx.logger, report, reportFile);
          } catch (error) {
            ctx.logger.error(`scheduled run failed: ${(error as Error).message}`);
          } finally {
            running = false;
          }
        },
        { timezone: "Etc/UTC" },
      );
      ctx.logger.info(`scheduled "${expression}" (UTC); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          void task.stop();
          resolve();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
