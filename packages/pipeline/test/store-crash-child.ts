// Child process for store-crash.test.ts: runs one pipeline commit and SIGKILLs itself at a chosen step.
// Usage: tsx --conditions=@cexdata/source store-crash-child.ts <dir> <run 1|2> <kill-at: step#n | none>
import { openDatasetStore, type CommitStep } from "../src/store/index.js";
import { stageCrashRun, CRASH_CLOCK } from "./store-crash-rows.js";

const [dir, run, killAt] = process.argv.slice(2) as [string, string, string];
const counts = new Map<string, number>();
const store = await openDatasetStore({
  dir,
  nowMs: () => CRASH_CLOCK,
  onCommitStep: (s: CommitStep) => {
    const n = (counts.get(s.step) ?? 0) + 1;
    counts.set(s.step, n);
    if (killAt === `${s.step}#${n}`) process.kill(process.pid, "SIGKILL");
  },
});
await stageCrashRun(store, Number(run));
await store.commit();
await store.close();
