import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Dataset, Token } from "../../src/index.js";
import { buildStandardTables } from "../support/standard-tables.js";
import { writeTestDataset } from "../support/write-dataset.js";

// Issue 9, rule "hostile symbols (bound or rejected)", "a spec.json it cannot parse (clear error)",
// "a manifest naming paths outside the dataset (refused)": the exact error a user gets for each.
let work: string;
let good: string;
let specText: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cexdata-rel-hostile-"));
  good = join(work, "good");
  await writeTestDataset(good, buildStandardTables());
  specText = await readFile(join(good, "spec.json"), "utf8");
});
afterAll(() => rm(work, { recursive: true, force: true }));

type Spec = { version: number; tables: Record<string, { files: Record<string, unknown>[] }> };
let copies = 0;
/** A copy of the good dataset whose spec.json is `text`, or the good spec edited by `edit`. */
async function datasetWithSpec(change: string | ((spec: Spec) => void)): Promise<Dataset> {
  const dir = join(work, `copy-${copies++}`);
  await cp(good, dir, { recursive: true });
  let text = typeof change === "string" ? change : specText;
  if (typeof change !== "string") {
    const spec = JSON.parse(specText) as Spec;
    change(spec);
    text = JSON.stringify(spec);
  }
  await writeFile(join(dir, "spec.json"), text);
  return new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
}

const firstFile = (spec: Spec) => spec.tables.ohlcv_1d!.files[0]!;
type Case = [string, () => Promise<unknown>, string, RegExp];
const ohlcv =
  (symbol: string, options: object = {}) =>
  async () => {
    const dataset = new Dataset({ source: good, cacheDir: join(good, ".cache") });
    try {
      return await new Token(symbol, { dataset }).ohlcv(options as never);
    } finally {
      await dataset.close();
    }
  };
const daily = (dataset: Dataset) => new Token("SOL", { dataset }).ohlcv({ interval: "1d" });

const CASES: Case[] = [
  [
    "symbol with SQL",
    ohlcv("BTC'; DROP TABLE x"),
    "InvalidArgumentError",
    /^invalid token "BTC'; DROP TABLE x": a token is upper-case letters and digits/,
  ],
  [
    "symbol with a path",
    ohlcv("../../etc/passwd"),
    "InvalidArgumentError",
    /^invalid token "\.\.\/\.\.\/etc\/passwd": a token is/,
  ],
  [
    "empty symbol",
    ohlcv(""),
    "InvalidArgumentError",
    /^invalid token "": a token is upper-case letters and digits/,
  ],
  [
    "start after end",
    ohlcv("BTC", { start: "2024-02-01", end: "2024-01-01" }),
    "InvalidArgumentError",
    /^invalid end "2024-01-01": the range is empty: start 2024-02-01T00:00:00\.000Z is not before end/,
  ],
  [
    "year 10000",
    ohlcv("BTC", { start: "10000-01-01" }),
    "InvalidArgumentError",
    /^invalid start "10000-01-01": a time is a Date, an ISO-8601 string or epoch ms/,
  ],
  [
    "NaN start",
    ohlcv("BTC", { start: Number.NaN }),
    "InvalidArgumentError",
    /^invalid start NaN: a time is a Date/,
  ],
  [
    "interval 7m",
    ohlcv("BTC", { interval: "7m" }),
    "InvalidArgumentError",
    /^invalid interval "7m": an interval is one of 1m, 1h, 1d.*; did you mean 1m, 5m, 15m\?$/,
  ],
  [
    "spec.json not JSON",
    async () => daily(await datasetWithSpec("{ nope")),
    "SpecError",
    /spec\.json is not valid JSON/,
  ],
  [
    "spec.json version 0",
    async () => daily(await datasetWithSpec((s) => (s.version = 0))),
    "SpecError",
    /spec\.json: version: Too small/,
  ],
  [
    "sha256 of the wrong length",
    async () => daily(await datasetWithSpec((s) => (firstFile(s).sha256 = "abc123"))),
    "SpecError",
    /spec\.json: tables\.ohlcv_1d\.files\.0\.sha256: 64 lower-case hex digits/,
  ],
  [
    "a path outside the dataset",
    async () => daily(await datasetWithSpec((s) => (firstFile(s).path = "../../etc/passwd"))),
    "IntegrityError",
    /manifest path "\.\.\/\.\.\/etc\/passwd" refused: .*files\.0\.path: must not contain '\.\.'/,
  ],
  [
    "a path listed twice",
    async () => daily(await datasetWithSpec((s) => s.tables.ohlcv_1d!.files.push({ ...firstFile(s) }))),
    "IntegrityError",
    /manifest path "data\/ohlcv_1d\/base=BTC\/all\.parquet" refused: .*files\.3\.path: is listed twice/,
  ],
];

it.each(CASES)("%s: the user gets the exact error", async (_name, act, errorName, message) => {
  const error = await act().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect({ name: (error as Error).name, message: (error as Error).message }).toMatchObject({
    name: errorName,
    message: expect.stringMatching(message),
  });
});
