import { readFile } from "node:fs/promises";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { parseDatasetSpec } from "@cexdata/schema";
import { scrubSecrets } from "../../log/create-logger.js";
import { mergeDatasetShards } from "../../shards/index.js";
import {
  publishDataset,
  PublishError,
  pullDataset,
  recentPartitions,
  squashHistory,
} from "../../publish/index.js";
import { publishRawLayer, pullRawLayer } from "../../publish/raw-layer-hub.js";
import { listRawFiles, sealDeadRunsRawFiles } from "../../raw/raw-log.js";
import type { CliContext } from "./context.js";
import { extendCycleCommands } from "./cycle-hooks.js";

// Plugin for cli/commands/index.ts: `run --publish`, and the publish, pull and merge-shards commands.
// The Hub token comes from HF_TOKEN only (never an option: it would land in shell history and `ps`).

const REPO_HELP = "Hub dataset repo, <org>/<name>";

/**
 * `run --publish --repo <org>/<name>` and `schedule --publish --repo <org>/<name>`: publish the dataset
 * after each cycle (batched within the Hub's per-commit limit, spec.json last).
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
      "publish a verified dataset to the Hub: changed files in commits of at most --max-operations, " +
        "spec.json and the dataset card last, then the tag v<version>; a stopped publish resumes",
    )
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .option("--repo <org/name>", REPO_HELP)
    .option(
      "--raw-repo <org/name>",
      "also publish the raw layer (<dataset>/raw) to this companion Hub dataset (only the files it lacks)",
    )
    .option(
      "--max-attempts <n>",
      "attempts when another publisher moves the head or the Hub fails transiently",
      positiveInteger,
      4,
    )
    .option(
      "--max-operations <n>",
      "file uploads and deletions per commit (the Hub recommends under 100 files per commit)",
      positiveInteger,
      100,
    )
    .action(
      async (opts: {
        dataset: string;
        repo?: string;
        rawRepo?: string;
        maxAttempts: number;
        maxOperations: number;
      }) => {
        if (opts.repo === undefined && opts.rawRepo === undefined) {
          ctx.logger.error("publish needs --repo <org>/<name>, --raw-repo <org>/<name>, or both");
          ctx.exitCode = 2;
          return;
        }
        if (opts.repo !== undefined) {
          await publishOrFail(ctx, {
            datasetDir: opts.dataset,
            repo: opts.repo,
            maxAttempts: opts.maxAttempts,
            maxOperationsPerCommit: opts.maxOperations,
          });
        }
        if (opts.rawRepo !== undefined && ctx.exitCode === 0) {
          await failOn(ctx, async () => {
            await sealDeadRunsRawFiles(opts.dataset);
            const files = (await listRawFiles(opts.dataset)).map((f) => path.relative(opts.dataset, f));
            const result = await publishRawLayer({
              hub: hubFromEnv(ctx, opts.rawRepo!),
              datasetDir: opts.dataset,
              files,
              maxOperations: opts.maxOperations,
              logger: ctx.logger,
            });
            const summary = { rawRepo: opts.rawRepo, ...result, commits: result.commits.length };
            ctx.logger.info(summary, `published the raw layer to ${opts.rawRepo}`);
            process.stdout.write(`${JSON.stringify(summary)}\n`);
          });
        }
      },
    );

  program
    .command("squash")
    .description(
      "squash the Hub history of main into one commit (non-revertible): the current version's tag " +
        "moves onto it; older version tags are kept unless --keep-versions, which needs --yes",
    )
    .requiredOption("--repo <org/name>", REPO_HELP)
    .option("--keep-versions <n>", "version tags to keep, the current one included", positiveInteger)
    .option("--yes", "go ahead although version tags users may have pinned would be deleted")
    .option("--dry-run", "print what the squash would do and change nothing")
    .action(async (opts: { repo: string; keepVersions?: number; yes?: boolean; dryRun?: boolean }) => {
      await failOn(ctx, async () => {
        const { HF_TOKEN, HF_ENDPOINT } = ctx.env;
        const result = await squashHistory({
          repo: opts.repo,
          logger: ctx.logger,
          ...(HF_TOKEN && { accessToken: HF_TOKEN }),
          ...(HF_ENDPOINT && { hubUrl: HF_ENDPOINT }),
          ...(opts.keepVersions !== undefined && { keepVersions: opts.keepVersions }),
          ...(opts.yes && { confirm: true }),
          ...(opts.dryRun && { dryRun: true }),
        });
        process.stdout.write(`${JSON.stringify(result)}\n`);
      });
    });

  program
    .command("pull")
    .description("seed a dataset dir from the Hub: spec.json and the partitions a run may rewrite")
    .option("-d, --dataset <dir>", "dataset directory", "./dataset")
    .option("--repo <org/name>", REPO_HELP)
    .option(
      "--raw [org/name]",
      "also seed the raw layer (<dataset>/raw) from its companion Hub dataset (default <repo>-raw), for `replay`",
    )
    .option(
      "--recent-days <n>",
      "download time partitions ending within this many days (and every 'all' file)",
      positiveInteger,
      40,
    )
    .option("--all", "download every file")
    .action(
      async (opts: {
        dataset: string;
        repo?: string;
        raw?: string | true;
        recentDays: number;
        all?: boolean;
      }) => {
        const rawRepo = opts.raw === true ? opts.repo && `${opts.repo}-raw` : opts.raw;
        if (opts.repo === undefined && rawRepo === undefined) {
          ctx.logger.error("pull needs --repo <org>/<name>, --raw <org>/<name>, or both");
          ctx.exitCode = 2;
          return;
        }
        if (opts.repo !== undefined) await pullFromHub(ctx, { ...opts, repo: opts.repo });
        if (rawRepo !== undefined && ctx.exitCode === 0) {
          await failOn(ctx, async () => {
            const result = await pullRawLayer({ hub: hubFromEnv(ctx, rawRepo), datasetDir: opts.dataset });
            const summary = { rawRepo, revision: result.revision, downloaded: result.downloaded.length };
            ctx.logger.info(summary, `pulled the raw layer of ${rawRepo}`);
            process.stdout.write(`${JSON.stringify(summary)}\n`);
          });
        }
      },
    );

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

/** `pull --repo`: spec.json and the partitions a run may rewrite. */
async function pullFromHub(
  ctx: CliContext,
  opts: { dataset: string; repo: string; recentDays: number; all?: boolean },
): Promise<void> {
  const nowMs = Date.now();
  const sinceMs = nowMs - opts.recentDays * 86_400_000;
  await failOn(ctx, async () => {
    const result = await pullDataset({
      repo: opts.repo,
      datasetDir: opts.dataset,
      ...(!opts.all && { include: recentPartitions(sinceMs, nowMs) }),
    });
    const summary = {
      revision: result.revision,
      version: result.spec?.version ?? null,
      downloaded: result.downloaded.length,
    };
    ctx.logger.info(summary, result.spec ? `pulled ${opts.repo}` : `${opts.repo} has no dataset yet`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  });
}

/** Where and as whom to reach a Hub repo: HF_TOKEN and HF_ENDPOINT from the environment only. */
function hubFromEnv(ctx: CliContext, repo: string) {
  const { HF_TOKEN, HF_ENDPOINT } = ctx.env;
  return {
    repo,
    ...(HF_TOKEN && { accessToken: HF_TOKEN }),
    ...(HF_ENDPOINT && { hubUrl: HF_ENDPOINT.replace(/\/+$/, "") }),
  };
}

async function publishOrFail(
  ctx: CliContext,
  p: { datasetDir: string; repo: string; maxAttempts?: number; maxOperationsPerCommit?: number },
) {
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
      commits: result.commits.length,
      tag: result.tag,
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
