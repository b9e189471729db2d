import type { CommitResult, DatasetStore } from "../store/index.js";
import type { SerialLock } from "./serial-lock.js";

/**
 * Commits for series finishing side by side: a series that asks while a commit is waiting its turn
 * shares that commit instead of queueing one more. Every caller's staged rows are in the commit its
 * promise resolves with (it starts after the call), so "committed before reported done" still holds.
 * A commit starts no sooner than `intervalMs` after the previous one started (unless `flush`ed):
 * each commit rewrites spec.json and holds the store that every series stages through, so a run of
 * hundreds of short series would otherwise spend its time committing one or two series at a time.
 */
export class GroupCommit {
  private waiting: Promise<CommitResult> | null = null;
  private lastStartedMs = Number.NEGATIVE_INFINITY;
  private wake: (() => void) | null = null;

  constructor(
    private readonly lock: SerialLock,
    private readonly store: DatasetStore,
    private readonly intervalMs = 0,
    private readonly clockMs: () => number = () => performance.now(),
    /** Runs under the lock right before each commit (rows held for staging are staged then). */
    private readonly beforeCommit: () => Promise<void> = async () => undefined,
  ) {}

  commit(): Promise<CommitResult> {
    this.waiting ??= this.schedule();
    return this.waiting;
  }

  /** Starts the waiting commit now (nothing more will join it soon: the caller's work is done). */
  flush(): void {
    this.wake?.();
  }

  private async schedule(): Promise<CommitResult> {
    const waitMs = this.lastStartedMs + this.intervalMs - this.clockMs();
    if (waitMs > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.wake = null;
    return this.lock.run(async () => {
      // From here on the commit has started: a later caller's rows need the next one.
      this.waiting = null;
      this.lastStartedMs = this.clockMs();
      await this.beforeCommit();
      return this.store.commit();
    });
  }
}
