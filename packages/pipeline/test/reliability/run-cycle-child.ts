// Child process of the reliability suite: one pipeline cycle (runCycle, the code `cexdata run` calls) on a
// fixed market clock, so reruns are comparable, SIGKILLing itself at a chosen moment.
// Usage: node --conditions=@cexdata/source --import tsx/loader run-cycle-child.ts <job.json>
// where the job is { datasetDir, config, nowMs, killAtProgress?, killDelayMs? }; env points at the simulator.
import { readFile } from "node:fs/promises";
import { pino } from "pino";
import { parseConfig } from "../../src/config/load-config.js";
import { runCycle } from "../../src/run/run-cycle.js";

interface Job {
  datasetDir: string;
  config: unknown;
  nowMs: number;
  /** SIGKILL after this many progress events (pages staged), plus `killDelayMs`; never when absent. */
  killAtProgress?: number;
  killDelayMs?: number;
}

const job = JSON.parse(await readFile(process.argv[2]!, "utf8")) as Job;
let progress = 0;
const kill = () => process.kill(process.pid, "SIGKILL");
const { report } = await runCycle({
  config: parseConfig(job.config),
  datasetDir: job.datasetDir,
  logger: pino({ level: "silent" }),
  env: process.env,
  nowMs: () => job.nowMs,
  // Two children at a time share one simulator's per-IP limits (a real run is one process), so 429s
  // come in runs, each honoured for its full Retry-After: attempts enough to outlast them.
  retry: { attempts: 20, baseDelayMs: 10, maxDelayMs: 200 },
  timeoutMs: 2_000,
  onProgress: () => {
    progress += 1;
    if (progress === job.killAtProgress) setTimeout(kill, job.killDelayMs ?? 0);
  },
});
// Past the last progress event the kill may still be pending: hold the process until it lands.
if (job.killAtProgress !== undefined && progress >= job.killAtProgress)
  await new Promise((r) => setTimeout(r, (job.killDelayMs ?? 0) + 5_000));
process.stdout.write(`${JSON.stringify({ progress, ok: report.ok, failures: report.failures })}\n`);
