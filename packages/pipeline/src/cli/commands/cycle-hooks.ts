import type { Command } from "commander";
import type { PipelineConfig } from "../../config/config-schema.js";
import { logReport } from "../../report/summarize-report.js";
import type { RunReport } from "../../report/run-report.js";
import { runCycle } from "../../run/run-cycle.js";
import type { CliContext } from "./context.js";

/** What an after-cycle hook is told: the options of the command, and whether the cycle succeeded. */
export interface AfterCycleParams {
  readonly ctx: CliContext;
  readonly datasetDir: string;
  readonly opts: Readonly<Record<string, unknown>>;
  readonly ok: boolean;
}

/**
 * Something another module adds to the commands that run cycles (`run` once, `schedule` on every
 * tick), e.g. `--publish --repo`: its options, a check of them before any cycle, and an action after
 * each cycle.
 */
export interface CycleExtension {
  options(cmd: Command): void;
  /** A usage error in the options (the command exits 2 before fetching anything), or null. */
  check?(opts: Readonly<Record<string, unknown>>): string | null;
  afterCycle(p: AfterCycleParams): Promise<void>;
}

/** Per CLI context, so that two programs built in one process (tests) do not share hooks. */
const registry = new WeakMap<CliContext, CycleExtension[]>();
const extensionsOf = (ctx: CliContext): readonly CycleExtension[] => registry.get(ctx) ?? [];

/** Lets another module extend `run` and `schedule` alike; call before the commands are built. */
export function extendCycleCommands(ctx: CliContext, extension: CycleExtension): void {
  registry.set(ctx, [...extensionsOf(ctx), extension]);
}

/** Adds every extension's options to a cycle command. */
export function addCycleOptions(ctx: CliContext, cmd: Command): Command {
  for (const e of extensionsOf(ctx)) e.options(cmd);
  return cmd;
}

/** Logs the first usage error of the extensions' options and sets exit code 2; true when none. */
export function checkCycleOptions(ctx: CliContext, opts: Readonly<Record<string, unknown>>): boolean {
  for (const e of extensionsOf(ctx)) {
    const problem = e.check?.(opts) ?? null;
    if (problem !== null) {
      ctx.logger.error(problem);
      ctx.exitCode = 2;
      return false;
    }
  }
  return true;
}

/** One cycle, its report logged, then every after-cycle hook: `run` does this once, `schedule` per tick. */
export async function runCycleWithHooks(p: {
  ctx: CliContext;
  config: PipelineConfig;
  datasetDir: string;
  opts: Readonly<Record<string, unknown>>;
  command: "run" | "schedule";
  /** Ends the cycle early, between requests (what is stored so far stays and is reported). */
  signal?: AbortSignal;
}): Promise<RunReport> {
  const { ctx, datasetDir, opts } = p;
  const { report, reportFile } = await runCycle({
    config: p.config,
    datasetDir,
    logger: ctx.logger,
    env: ctx.env,
    command: p.command,
    ...(p.signal !== undefined && { signal: p.signal }),
  });
  logReport(ctx.logger, report, reportFile);
  if (!report.ok) ctx.exitCode = 1;
  for (const e of extensionsOf(ctx)) await e.afterCycle({ ctx, datasetDir, opts, ok: report.ok });
  return report;
}
