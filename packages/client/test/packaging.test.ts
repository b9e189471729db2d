import { execFileSync } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { installTarballs } from "./support/released-client.js";
import { buildStandardTables } from "./support/standard-tables.js";
import { writeTestDataset } from "./support/write-dataset.js";

// The published shape: pnpm pack rewrites workspace:* to versions; the three tarballs are installed
// together into a fresh project with npm, and the client is used from ESM and from CommonJS
// (require(esm), Node >= 20.19), with the SQL templates found inside the installed sql-templates.

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../..");
const PACKAGES = ["schema", "sql-templates", "client"];
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cexdata-pack-"));
  const filters = PACKAGES.flatMap((p) => ["--filter", `@cexdata/${p}`]);
  execFileSync("pnpm", [...filters, "build"], { cwd: root, stdio: "pipe" });
  for (const pkg of PACKAGES) {
    execFileSync("pnpm", ["pack", "--pack-destination", work], {
      cwd: join(root, "packages", pkg),
      stdio: "pipe",
    });
  }
  const project = join(work, "project");
  await installTarballs(work, project);
  await writeTestDataset(join(work, "dataset"), buildStandardTables());
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const ESM = `import { Token } from "@cexdata/client";
const rows = await new Token("BTC", { dataset: process.argv[2] }).ohlcv();
console.log(JSON.stringify({ n: rows.length, first: rows[0] }));`;

const CJS = `const { Dataset, Token } = require("@cexdata/client");
const dataset = new Dataset({ source: process.argv[2] });
new Token("BTC", { dataset }).ohlcv().then(async (rows) => {
  console.log(JSON.stringify({ n: rows.length, first: rows[0] }));
  await dataset.close();
});`;

it.each([
  ["script.mjs", ESM],
  ["script.cjs", CJS],
])("works installed from the tarballs (%s)", async (name, source) => {
  const project = join(work, "project");
  await writeFile(join(project, name), source);
  const out = execFileSync("node", [name, join(work, "dataset")], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, CEXDATA_CACHE_DIR: join(work, "cache") },
  });
  const result = JSON.parse(out) as { n: number; first: Record<string, unknown> };
  expect(result.n).toBe(60);
  expect(result.first).toMatchObject({
    exchange: "binance",
    symbol: "BTC/USDT",
    ts: "2023-12-01T00:00:00.000Z",
  });
});

it("runs the quickstart notebook (tslab) against the installed package", async () => {
  const project = join(work, "project");
  await copyFile(join(here, "../examples/quickstart.ipynb"), join(project, "quickstart.ipynb"));
  const out = execFileSync(
    "jupyter",
    ["nbconvert", "--to", "notebook", "--execute", "--stdout", "quickstart.ipynb"],
    {
      cwd: project,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CEXDATA_DATASET: join(work, "dataset"), CEXDATA_CACHE_DIR: join(work, "cache") },
    },
  );
  const notebook = JSON.parse(out) as { cells: { outputs?: { text?: string[]; output_type: string }[] }[] };
  const printed = notebook.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => (o.text ?? []).join(""))
    .join("");
  expect(printed).toContain("480 hourly candles");
  expect(printed).toMatch(/2024-01-01T00:00:00.000Z binance BTC\/USDT/);
});
