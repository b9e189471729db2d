import type { Command } from "commander";
import { verifyDataset } from "../../store/index.js";
import type { CliContext } from "./context.js";

export function registerVerifyCommand(program: Command, ctx: CliContext): void {
  program
    .command("verify")
    .description(
      "check a dataset end to end (spec.json, checksums, rows, partitions); non-zero exit on any problem",
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .action(async (opts: { dataset: string }) => {
      const result = await verifyDataset({ dir: opts.dataset });
      for (const problem of result.problems)
        ctx.logger.error(problem, `${problem.file}: ${problem.reason}: ${problem.detail}`);
      const summary = {
        version: result.version,
        files: result.files,
        rows: result.rows,
        problems: result.problems.length,
      };
      if (result.ok) ctx.logger.info(summary, `dataset ${opts.dataset} verified`);
      else {
        ctx.logger.error(summary, `dataset ${opts.dataset} has ${result.problems.length} problem(s)`);
        ctx.exitCode = 1;
      }
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}
