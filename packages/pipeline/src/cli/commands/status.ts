import type { Command } from "commander";
import { scrubSecrets } from "../../log/create-logger.js";
import { assessFreshness } from "../../status/assess-freshness.js";
import { formatStatusTable } from "../../status/format-status-table.js";
import { parseDuration } from "../../status/parse-duration.js";
import { readDatasetSpec } from "../../status/read-dataset-spec.js";
import type { CliContext } from "./context.js";

/** Exit codes of `cexdata status`, as documented in the README. */
export const STATUS_EXIT = { fresh: 0, notFresh: 1, unreadable: 2 } as const;

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description(
      "how fresh each table/exchange of a dataset is; exit 1 when any is older than --max-age or blocked, 2 when the dataset or an option cannot be read",
    )
    .requiredOption("-d, --dataset <dir|hf://datasets/org/name>", "a dataset directory or a Hub dataset")
    .option("--max-age <span>", "oldest acceptable age, e.g. 26h, 90m, 2d", "26h")
    .option("--json", "print JSON instead of a table")
    .option("--now <iso-time>", "judge as of this time instead of the clock (replays, tests)")
    .action(async (opts: { dataset: string; maxAge: string; json?: boolean; now?: string }) => {
      // Parsed here rather than by commander, whose usage errors exit 1: 1 must mean "not fresh".
      const maxAgeMs = parseDuration(opts.maxAge);
      const nowMs = opts.now === undefined ? Date.now() : Date.parse(opts.now);
      if (maxAgeMs === null || !Number.isFinite(nowMs)) {
        ctx.logger.error(
          maxAgeMs === null
            ? `--max-age ${JSON.stringify(opts.maxAge)}: expected a span such as 26h, 90m or 2d`
            : `--now ${JSON.stringify(opts.now)}: expected an ISO-8601 time such as 2024-05-15T10:00:00Z`,
        );
        ctx.exitCode = STATUS_EXIT.unreadable;
        return;
      }
      let spec;
      try {
        spec = await readDatasetSpec({ dataset: opts.dataset, env: ctx.env });
      } catch (error) {
        ctx.logger.error(
          scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error), ctx.env),
        );
        ctx.exitCode = STATUS_EXIT.unreadable;
        return;
      }
      const { ok, entries } = assessFreshness({ spec, nowMs, maxAgeMs });
      if (opts.json) {
        const out = { ok, now: new Date(nowMs).toISOString(), maxAgeMs, version: spec.version, entries };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else if (entries.length > 0) {
        process.stdout.write(formatStatusTable(entries));
      }
      if (entries.length === 0) {
        ctx.logger.error(
          `${opts.dataset} (version ${spec.version}) records no freshness: it was written before cexdata recorded it, or no cycle has run`,
        );
      }
      for (const e of entries.filter((x) => x.state !== "fresh")) {
        const why = e.blocked
          ? `blocked by ${e.blocked.host} since ${e.blocked.since}: ${e.blocked.remedy}`
          : e.state;
        ctx.logger.error(
          { table: e.table, exchange: e.exchange, state: e.state, ageMs: e.ageMs },
          `${e.table} on ${e.exchange}: ${why}`,
        );
      }
      ctx.exitCode = ok ? STATUS_EXIT.fresh : STATUS_EXIT.notFresh;
    });
}
