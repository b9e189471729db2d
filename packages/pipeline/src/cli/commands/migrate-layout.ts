import type { Command } from "commander";
import { migrateLayout } from "../../store/index.js";
import type { CliContext } from "./context.js";

export function registerMigrateLayoutCommand(program: Command, ctx: CliContext): void {
  program
    .command("migrate-layout")
    .description(
      "move a dataset to the current partition layout (a closed year's liquidations and book depth " +
        "in one file per base); rerunnable, a no-op on a migrated dataset; `publish` then uploads the " +
        "year files and deletes the month files from the Hub",
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .action(async (opts: { dataset: string }) => {
      const result = await migrateLayout({ dir: opts.dataset });
      const summary = {
        version: result.version,
        yearFiles: result.compacted.length,
        monthFilesRemoved: result.compacted.reduce((n, c) => n + c.from.length, 0),
      };
      ctx.logger.info(
        summary,
        result.compacted.length === 0
          ? `dataset ${opts.dataset} is in the current layout: nothing to migrate`
          : `dataset ${opts.dataset} migrated: ${summary.monthFilesRemoved} month files into ${summary.yearFiles} year files`,
      );
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
