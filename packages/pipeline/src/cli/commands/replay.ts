import { InvalidArgumentError, type Command } from "commander";
import { findCloseMatches, TABLE_NAMES, type TableName } from "@cexdata/schema";
import { replayRaw } from "../../replay/replay-raw.js";
import type { CliContext } from "./context.js";

function parseTable(value: string): TableName {
  if ((TABLE_NAMES as readonly string[]).includes(value)) return value as TableName;
  const close = findCloseMatches(value, TABLE_NAMES);
  throw new InvalidArgumentError(
    `unknown table '${value}'${close.length ? `; did you mean ${close.join(", ")}?` : ""}`,
  );
}

function parseDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError(`expected a UTC day YYYY-MM-DD, got '${value}'`);
  return value;
}

/** `cexdata replay`: re-derive rows from the raw layer with today's parsers. */
export function registerReplayCommand(program: Command, ctx: CliContext): void {
  program
    .command("replay")
    .description(
      "re-derive rows from the raw layer (<dataset>/raw) through today's parsers and validation, merge them, and report what changed per table, exchange and day",
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .option("--table <table>", "only this table", parseTable)
    .option("--exchange <id>", "only this exchange")
    .option("--since <day>", "only records received on or after this UTC day (YYYY-MM-DD)", parseDay)
    .option("--until <day>", "only records received on or before this UTC day (YYYY-MM-DD)", parseDay)
    .option("--dry-run", "only report what would change")
    .action(
      async (opts: {
        dataset: string;
        table?: TableName;
        exchange?: string;
        since?: string;
        until?: string;
        dryRun?: boolean;
      }) => {
        const result = await replayRaw({
          datasetDir: opts.dataset,
          table: opts.table,
          exchange: opts.exchange,
          sinceDay: opts.since,
          untilDay: opts.until,
          dryRun: opts.dryRun === true,
          env: ctx.env,
          logger: ctx.logger,
        });
        const summary = {
          dryRun: opts.dryRun === true,
          records: result.records,
          rows: result.rows,
          added: result.changes.reduce((n, c) => n + c.added, 0),
          changed: result.changes.reduce((n, c) => n + c.changed, 0),
          skipped: result.problems.length,
          // Every changed row, stored and replayed values, is in the report file; here, counts per day.
          changes: result.changes.map(({ rows: _rows, ...c }) => c),
          report: result.reportFile,
        };
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      },
    );
}
