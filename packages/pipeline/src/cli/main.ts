#!/usr/bin/env node
import { Command } from "commander";
import { createCliContext } from "./commands/context.js";
import { registerCommands } from "./commands/index.js";
import { scrubSecrets } from "../log/create-logger.js";

/** `cexdata <command>`: builds the program from commands/ and sets the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const ctx = createCliContext();
  const program = new Command("cexdata")
    .description("free crypto exchange market data: fetch, validate, store, verify, publish")
    .showHelpAfterError();
  await registerCommands(program, ctx);
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    ctx.logger.error(
      scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
    );
    ctx.exitCode = ctx.exitCode || 1;
  }
  ctx.logger.flush?.();
  // A stopped command has abandoned requests in flight; their sockets must not hold the exit.
  if (ctx.stoppedBy !== undefined) process.exit(ctx.exitCode);
  return ctx.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
