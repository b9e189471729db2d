import type { Command } from "commander";
import { migrateLayout } from "../../store/index.js";
import type { CliContext } from "./context.js";

export function registerMigrateLayoutCommand(program: Command, ctx: CliContext): void {
  program
    .command("migrate-layout")
    .description(
      "move a dataset to the current partition layout (a closed year's liquidations and book depth " +
        "in one file per base, the small yearly tables' closed years in one `all` file per base); " +
        "rerunnable, a no-op on a migrated dataset; `publish` then uploads the compacted files and " +
        "deletes the ones they replace from the Hub",
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .action(async (opts: { dataset: string }) => {
      const result = await migrateLayout({ dir: opts.dataset });
      // The keys predate the yearly tables' `all` files: `yearFiles` counts every compacted file,
      // `monthFilesRemoved` every file it replaced (kept for scripts that read them).
      const summary = {
        version: result.version,
        yearFiles: result.compacted.length,
        monthFilesRemoved: result.compacted.reduce((n, c) => n + c.from.length, 0),
      };
      ctx.logger.info(
        summary,
        result.compacted.length === 0
          ? `dataset ${opts.dataset} is in the current layout: nothing to migrate`
          : `dataset ${opts.dataset} migrated: ${summary.monthFilesRemoved} files of closed years into ${summary.yearFiles} files`,
      );
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
