import { randomBytes } from "node:crypto";

/** A run's id: its start time, sortable, and a random tail so two runs in one millisecond differ. */
export function newRunId(nowMs: number): string {
  return `${new Date(nowMs).toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
}
