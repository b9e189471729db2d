import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { registerBackfillCommand } from "./backfill.js";
import { registerReplayCommand } from "./replay.js";
import { registerRunCommand } from "./run.js";
import { registerScheduleCommand } from "./schedule.js";
import { registerStatusCommand } from "./status.js";
import { registerVerifyCommand } from "./verify.js";

/**
 * Commands contributed by other stages, one file each in this folder, loaded when present:
 * each may export `extend(ctx)`, called before the built-in commands are built (the place to call
 * `extendCycleCommands` for `run --publish` and `schedule --publish`, or `registerBackfillSource` for `--source archive|auto`),
 * and `register(program, ctx)`, called after (the place to add a command such as `publish`).
 */
export interface CommandPlugin {
  extend?(ctx: CliContext): void;
  register?(program: Command, ctx: CliContext): void;
}

const PLUGINS = ["./publish.js", "./backfill-archive.js", "./collect.js"];

export async function registerCommands(program: Command, ctx: CliContext): Promise<void> {
  const later: ((p: Command, c: CliContext) => void)[] = [];
  for (const plugin of PLUGINS) {
    const js = fileURLToPath(new URL(plugin, import.meta.url));
    if (!existsSync(js) && !existsSync(js.replace(/\.js$/, ".ts"))) continue;
    const mod = (await import(plugin)) as CommandPlugin;
    mod.extend?.(ctx);
    if (mod.register) later.push(mod.register);
  }
  registerRunCommand(program, ctx);
  registerBackfillCommand(program, ctx);
  registerVerifyCommand(program, ctx);
  registerScheduleCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerReplayCommand(program, ctx);
  for (const register of later) register(program, ctx);
}
