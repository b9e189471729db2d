import { Option, type Command } from "commander";
import { ConfigError, loadConfig } from "../../config/load-config.js";
import type { PipelineConfig } from "../../config/config-schema.js";
import { createLogger, type Logger } from "../../log/create-logger.js";

/** What every command gets: the logger, and how to end (exit codes, not process.exit mid-flight). */
export interface CliContext {
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** Set to a non-zero exit code when anything failed. */
  exitCode: number;
  /** Ends long-running commands (`schedule`) as SIGINT/SIGTERM do; lets a caller in-process stop them. */
  readonly stop?: AbortSignal;
  /**
   * The signal that stopped the command (see `listenForStop`); the CLI then exits as soon as the
   * command returns, not when requests it abandoned time out.
   */
  stoppedBy?: NodeJS.Signals;
}

export function createCliContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  return { logger: createLogger(), env, exitCode: 0 };
}

/** `--config` and `--dataset`, shared by the commands that run the pipeline. */
export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option(
      "-c, --config <file>",
      "cexdata.config.json (or .js/.mjs); the embedded default config without it",
    )
    .addOption(
      new Option("-d, --dataset <dir>", "dataset directory (default: the config's, else ./dataset)"),
    );
}

/** Loads the config; a ConfigError is logged with its field and the command fails. */
export async function loadCommandConfig(
  ctx: CliContext,
  opts: { config?: string; dataset?: string },
): Promise<{ config: PipelineConfig; datasetDir: string } | null> {
  try {
    const config = await loadConfig(opts.config);
    return { config, datasetDir: opts.dataset ?? config.dataset };
  } catch (error) {
    if (error instanceof ConfigError) {
      ctx.logger.error({ field: error.field }, error.message);
      ctx.exitCode = 2;
      return null;
    }
    throw error;
  }
}
