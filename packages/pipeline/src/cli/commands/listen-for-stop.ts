import { constants } from "node:os";
import type { CliContext } from "./context.js";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** How long a stop may take by default before the process exits anyway (`CEXDATA_STOP_GRACE_MS`). */
export const DEFAULT_STOP_GRACE_MS = 30_000;

/** What a command that can be stopped gets: the signal to pass down, and `close()` when it is done. */
export interface StopListener {
  /** Aborts (reason: the signal's name, or "stop" for `ctx.stop`) on the first stop request. */
  readonly signal: AbortSignal;
  /** Removes the handlers; after a SIGTERM/SIGINT, sets the exit code to 128 + its number. */
  close(): void;
}

/** The part of `process` a stop listener uses; tests pass a stand-in, the CLI the real one. */
export interface StopHost {
  once(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
  exit(code: number): never;
}

/**
 * Makes SIGTERM and SIGINT stop a command cleanly: the first one aborts `signal` (no request
 * starts after it, the series in flight is abandoned, what is committed stays, the run report is
 * written) and the command then exits 128 + the signal's number (143 for SIGTERM, 130 for SIGINT).
 * A second signal, or the grace period running out, exits at once with that code: the dataset is
 * then as after a kill, which the store's journal makes safe. `ctx.stop` stops the same way but
 * keeps the exit code (in-process callers).
 */
export function listenForStop(p: {
  readonly ctx: CliContext;
  /** What is being stopped, for the log ("the cycle in flight"). */
  readonly what: string;
  readonly host?: StopHost;
  readonly graceMs?: number;
}): StopListener {
  const { ctx } = p;
  const host: StopHost = p.host ?? process;
  const envGrace = Number(ctx.env["CEXDATA_STOP_GRACE_MS"]);
  const graceMs = p.graceMs ?? (Number.isFinite(envGrace) && envGrace > 0 ? envGrace : DEFAULT_STOP_GRACE_MS);
  const controller = new AbortController();
  let received: StopSignal | null = null;
  let grace: NodeJS.Timeout | null = null;
  const codeOf = (sig: StopSignal) => 128 + constants.signals[sig];

  const exitNow = (why: string) => {
    const code = codeOf(received ?? "SIGTERM");
    ctx.logger.error(`${why}: exiting at once (code ${code}); the next run recovers the dataset`);
    ctx.logger.flush?.();
    host.exit(code);
  };
  const handlers = new Map<StopSignal, () => void>();
  const onSignal = (sig: StopSignal) => {
    if (received !== null) {
      exitNow(`second stop signal (${sig})`);
      return;
    }
    received = sig;
    ctx.stoppedBy = sig;
    ctx.logger.warn(
      `${sig}: stopping ${p.what} (the series in flight is abandoned, what is committed stays); ` +
        `send it again to exit at once`,
    );
    // Listen again: `once` removed the handler, and a second signal must not kill us by default.
    host.once(sig, handlers.get(sig)!);
    grace = setTimeout(() => exitNow(`still stopping after ${graceMs} ms`), graceMs);
    grace.unref();
    controller.abort(sig);
  };
  for (const sig of STOP_SIGNALS) {
    const handler = () => onSignal(sig);
    handlers.set(sig, handler);
    host.once(sig, handler);
  }
  const onStop = () => controller.abort("stop");
  if (ctx.stop?.aborted) onStop();
  else ctx.stop?.addEventListener("abort", onStop, { once: true });

  return {
    signal: controller.signal,
    close() {
      for (const [sig, handler] of handlers) host.off(sig, handler);
      ctx.stop?.removeEventListener("abort", onStop);
      if (grace !== null) clearTimeout(grace);
      if (received !== null) ctx.exitCode = codeOf(received);
    },
  };
}
