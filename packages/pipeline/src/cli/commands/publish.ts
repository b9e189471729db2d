import { readFile } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { parseDatasetSpec } from "@cexdata/schema";
import { scrubSecrets } from "../../log/create-logger.js";
import {
  mergeDatasetShards,
  publishDataset,
  PublishError,
  pullDataset,
  recentPartitions,
} from "../../publish/index.js";
import type { CliContext } from "./context.js";
import { extendCycleCommands } from "./cycle-hooks.js";

// Plugin for cli/commands/index.ts: `run --publish`, and the publish, pull and merge-shards commands.
// The Hub token comes from HF_TOKEN only (never an option: it would land in shell history and `ps`).

const REPO_HELP = "Hub dataset repo, <org>/<name>";

/**
 * `run --publish --repo <org>/<name>` and `schedule --publish --repo <org>/<name>`: publish the dataset
 * after each cycle, as one commit.
 */
export function extend(ctx: CliContext): void {
  extendCycleCommands(ctx, {
    options: (cmd) =>
      cmd
        .option("--publish", "publish the dataset to the Hub after each cycle (HF_TOKEN, HF_ENDPOINT)")
        .option("--repo <org/name>", `${REPO_HELP} (with --publish)`),
    check: (opts) =>
      opts.publish && typeof opts.repo !== "string" ? "--publish needs --repo <org>/<name>" : null,
    afterCycle: async ({ datasetDir, opts }) => {
      if (opts.publish && typeof opts.repo === "string")
        await publishOrFail(ctx, { datasetDir, repo: opts.repo });
    },
  });
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("publish")
    .description(
      "publish a verified dataset to the Hub in one commit (changed files, spec.json, dataset card)",
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .requiredOption("--repo <org/name>", REPO_HELP)
    .option(
      "--max-attempts <n>",
      "attempts when another publisher moves the head or the Hub fails transiently",
      positiveInteger,
      4,
    )
    .action(async (opts: { dataset: string; repo: string; maxAttempts: number }) => {
      await publishOrFail(ctx, {
        datasetDir: opts.dataset,
        repo: opts.repo,
        maxAttempts: opts.maxAttempts,
      });
    });

  program
    .command("pull")
    .description("seed a dataset dir from the Hub: spec.json and the partitions a run may rewrite")
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .requiredOption("--repo <org/name>", REPO_HELP)
    .option(
      "--recent-days <n>",
      "download time partitions ending within this many days (and every 'all' file)",
      positiveInteger,
      40,
    )
    .option("--all", "download every file")
    .action(async (opts: { dataset: string; repo: string; recentDays: number; all?: boolean }) => {
      const sinceMs = Date.now() - opts.recentDays * 86_400_000;
      await failOn(ctx, async () => {
        const result = await pullDataset({
          repo: opts.repo,
          datasetDir: opts.dataset,
          ...(!opts.all && { include: recentPartitions(sinceMs) }),
        });
        const summary = {
          revision: result.revision,
          version: result.spec?.version ?? null,
          downloaded: result.downloaded.length,
        };
        ctx.logger.info(summary, result.spec ? `pulled ${opts.repo}` : `${opts.repo} has no dataset yet`);
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      });
    });

  program
    .command("merge-shards")
    .description("merge shard dataset dirs (one per exchange) into one dataset dir for a single publish")
    .argument("<shards...>", "shard dataset directories")
    .requiredOption("-o, --out <dir>", "merged dataset directory (must not hold a dataset yet)")
    .option(
      "--base <spec.json>",
      "the Hub's spec.json the shards were seeded from (omit for a first publish)",
    )
    .action(async (shards: string[], opts: { out: string; base?: string }) => {
      await failOn(ctx, async () => {
        const baseSpec = opts.base ? parseDatasetSpec(JSON.parse(await readFile(opts.base, "utf8"))) : null;
        const result = await mergeDatasetShards({ shardDirs: shards, outDir: opts.out, baseSpec });
        const summary = {
          version: result.spec.version,
          copied: result.copied.length,
          merged: result.merged.length,
        };
        ctx.logger.info(summary, `merged ${shards.length} shards into ${opts.out}`);
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      });
    });
}

async function publishOrFail(ctx: CliContext, p: { datasetDir: string; repo: string; maxAttempts?: number }) {
  await failOn(ctx, async () => {
    const { HF_TOKEN, HF_ENDPOINT } = ctx.env;
    const result = await publishDataset({
      ...p,
      logger: ctx.logger,
      ...(HF_TOKEN && { accessToken: HF_TOKEN }),
      ...(HF_ENDPOINT && { hubUrl: HF_ENDPOINT }),
    });
    const summary = {
      commit: result.commit,
      version: result.version,
      uploaded: result.uploaded.length,
      deleted: result.deleted.length,
      merged: result.merged,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });
}

/** A PublishError (or any failure) is logged without secrets and makes the command exit 1. */
async function failOn(ctx: CliContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const code = error instanceof PublishError ? error.code : undefined;
    ctx.logger.error(
      { code },
      scrubSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
    );
    ctx.exitCode = 1;
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a positive integer");
  return n;
}
