import type { Command } from "commander";
import { logReport } from "../../report/summarize-report.js";
import { runCycle } from "../../run/run-cycle.js";
import { addConfigOptions, loadCommandConfig, type CliContext } from "../context.js";

/** Hooks other commands add to `run` (e.g. `--publish`), called after a successful cycle. */
export type AfterRunHook = (p: {
  ctx: CliContext;
  datasetDir: string;
  opts: Record<string, unknown>;
  ok: boolean;
}) => Promise<void>;
const afterRun: AfterRunHook[] = [];

/** Lets another module extend `run` (add options with `extend`, act after the cycle with `hook`). */
export function extendRunCommand(extend: (cmd: Command) => void, hook: AfterRunHook): void {
  runExtensions.push(extend);
  afterRun.push(hook);
}
const runExtensions: ((cmd: Command) => void)[] = [];

export function registerRunCommand(program: Command, ctx: CliContext): void {
  const cmd = addConfigOptions(
    program
      .command("run")
      .description(
        "one cycle: fetch every configured series after its last stored row, validate, store, report",
      ),
  );
  for (const extend of runExtensions) extend(cmd);
  cmd.action(async (opts: { config?: string; dataset?: string } & Record<string, unknown>) => {
    const loaded = await loadCommandConfig(ctx, opts);
    if (!loaded) return;
    const { report, reportFile } = await runCycle({
      config: loaded.config,
      datasetDir: loaded.datasetDir,
      logger: ctx.logger,
      env: ctx.env,
    });
    logReport(ctx.logger, report, reportFile);
    if (!report.ok) ctx.exitCode = 1;
    for (const hook of afterRun) await hook({ ctx, datasetDir: loaded.datasetDir, opts, ok: report.ok });
  });
}
