import type { Command } from "commander";
import { addCycleOptions, checkCycleOptions, runCycleWithHooks } from "./cycle-hooks.js";
import { addConfigOptions, loadCommandConfig, type CliContext } from "./context.js";
import { listenForStop } from "./listen-for-stop.js";

export function registerRunCommand(program: Command, ctx: CliContext): void {
  const cmd = addCycleOptions(
    ctx,
    addConfigOptions(
      program
        .command("run")
        .description(
          "one cycle: fetch every configured series after its last stored row, validate, store, report",
        ),
    ),
  );
  cmd.action(async (opts: { config?: string; dataset?: string } & Record<string, unknown>) => {
    if (!checkCycleOptions(ctx, opts)) return;
    const loaded = await loadCommandConfig(ctx, opts);
    if (!loaded) return;
    const stop = listenForStop({ ctx, what: "the run" });
    try {
      await runCycleWithHooks({ ctx, ...loaded, opts, command: "run", signal: stop.signal });
    } finally {
      stop.close();
    }
  });
}
