import type { Command } from "commander";
import * as backfillArchive from "./backfill-archive.js";
import { registerBackfillCommand } from "./backfill.js";
import * as collect from "./collect.js";
import type { CliContext } from "./context.js";
import { registerMigrateLayoutCommand } from "./migrate-layout.js";
import * as publish from "./publish.js";
import { registerReplayCommand } from "./replay.js";
import { registerRunCommand } from "./run.js";
import { registerScheduleCommand } from "./schedule.js";
import { registerStatusCommand } from "./status.js";
import { registerVerifyCommand } from "./verify.js";

/**
 * Commands contributed by other stages, one file each in this folder, listed in PLUGINS: each may
 * export `extend(ctx)`, called before the built-in commands are built (the place to call
 * `extendCycleCommands` for `run --publish` and `schedule --publish`, or `registerBackfillSource` for
 * `--source archive|auto`), and `register(program, ctx)`, called after (the place to add a command
 * such as `publish`).
 */
export interface CommandPlugin {
  extend?(ctx: CliContext): void;
  register?(program: Command, ctx: CliContext): void;
}

/** Registered statically: what the CLI offers is what this list imports, nothing found at run time. */
const PLUGINS: readonly CommandPlugin[] = [publish, backfillArchive, collect];

export async function registerCommands(program: Command, ctx: CliContext): Promise<void> {
  const later: ((p: Command, c: CliContext) => void)[] = [];
  for (const plugin of PLUGINS) {
    plugin.extend?.(ctx);
    if (plugin.register) later.push(plugin.register);
  }
  registerRunCommand(program, ctx);
  registerBackfillCommand(program, ctx);
  registerVerifyCommand(program, ctx);
  registerScheduleCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerReplayCommand(program, ctx);
  registerMigrateLayoutCommand(program, ctx);
  for (const register of later) register(program, ctx);
}
