import type { CommitResult, DatasetStore } from "../store/index.js";
import type { SerialLock } from "./serial-lock.js";

/**
 * Commits for series finishing side by side: a series that asks while a commit is waiting its turn
 * shares that commit instead of queueing one more. Every caller's staged rows are in the commit its
 * promise resolves with (it starts after the call), so "committed before reported done" still holds,
 * but concurrent series do not wait in line for one commit each.
 */
export class GroupCommit {
  private waiting: Promise<CommitResult> | null = null;

  constructor(
    private readonly lock: SerialLock,
    private readonly store: DatasetStore,
  ) {}

  commit(): Promise<CommitResult> {
    this.waiting ??= this.lock.run(() => {
      // From here on the commit has started: a later caller's rows need the next one.
      this.waiting = null;
      return this.store.commit();
    });
    return this.waiting;
  }
}
