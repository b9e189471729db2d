import { copyFile, readFile, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatasetStore, openDuckDB, verifyDataset } from "../src/store/index.js";
import { LATER, loadBinanceSpotRows, makeOhlcvRows, makeTempDir } from "./store-fixture-rows.js";

const FILE = "data/ohlcv_1m/base=BTC/2021-10.parquet";
let dir: string;

beforeEach(async () => {
  dir = await makeTempDir();
  const store = await openDatasetStore({ dir, nowMs: () => LATER });
  const rows = await loadBinanceSpotRows();
  // Leave a 3-candle hole in the series so verify has a gap to list.
  await store.stage("ohlcv_1m", [...rows.slice(0, 4), ...rows.slice(7)], "rest");
  await store.stage(
    "ohlcv_1h",
    makeOhlcvRows(3, Date.UTC(2024, 0, 1), { base: "ETH", symbol: "ETH/USDT" }).map((r, i) => ({
      ...r,
      ts: Date.UTC(2024, 0, 1, i),
    })),
    "rest",
  );
  await store.commit();
  await store.close();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const verify = () => verifyDataset({ dir, nowMs: () => LATER });
const reasons = async () => (await verify()).problems.map((p) => `${p.file} ${p.reason}`).sort();

async function rewriteWith(sql: string): Promise<void> {
  const duck = await openDuckDB();
  const abs = path.join(dir, FILE);
  await duck.connection.run(`COPY (${sql.replaceAll("$FILE", `'${abs}'`)}) TO '${abs}.new' (FORMAT parquet)`);
  duck.close();
  await copyFile(`${abs}.new`, abs);
  await rm(`${abs}.new`);
}

describe("verifyDataset", () => {
  it("passes a dataset the store wrote, and lists the gap in its series", async () => {
    const report = await verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, version: 1, files: 2, rows: 10 });
    const btc = report.series.find((s) => s.symbol === "BTC/USDT")!;
    expect(btc).toMatchObject({ table: "ohlcv_1m", expected: 10, present: 7 });
    expect(btc.gaps).toEqual([
      {
        start: new Date(1634943780000 + 4 * 60_000).toISOString(),
        end: new Date(1634943780000 + 6 * 60_000).toISOString(),
        missing: 3,
      },
    ]);
    expect(report.series.find((s) => s.symbol === "ETH/USDT")).toMatchObject({
      table: "ohlcv_1h",
      expected: 3,
      present: 3,
      gaps: [],
    });
  });

  it("detects a flipped byte", async () => {
    const abs = path.join(dir, FILE);
    const bytes = await readFile(abs);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(abs, bytes);
    expect(await reasons()).toContain(`${FILE} sha256_mismatch`);
  });

  it("detects a truncated file", async () => {
    await truncate(path.join(dir, FILE), 200);
    expect(await reasons()).toEqual([
      `${FILE} bytes_mismatch`,
      `${FILE} parquet_unreadable`,
      `${FILE} sha256_mismatch`,
    ]);
  });

  it("detects a missing file and a file that is not in spec.json", async () => {
    await rm(path.join(dir, FILE));
    await writeFile(path.join(dir, "data/ohlcv_1m/base=BTC/2021-11.parquet"), "x");
    expect(await reasons()).toEqual([
      `${FILE} file_missing`,
      "data/ohlcv_1m/base=BTC/2021-11.parquet file_not_in_spec",
    ]);
  });

  it("detects an extra row, a duplicate key and a row breaking a rule", async () => {
    await rewriteWith(
      "SELECT * FROM read_parquet($FILE) UNION ALL (SELECT * FROM read_parquet($FILE) LIMIT 1) " +
        "UNION ALL (SELECT * REPLACE (ts + INTERVAL 4 MINUTE AS ts, open * 2 AS open) FROM read_parquet($FILE) LIMIT 1) ORDER BY ts",
    );
    expect(await reasons()).toEqual([
      `${FILE} bytes_mismatch`,
      `${FILE} duplicate_key`,
      `${FILE} high_below_open_close`,
      `${FILE} rows_mismatch`,
      `${FILE} sha256_mismatch`,
    ]);
  });

  it("refuses a manifest path that escapes the dataset, naming it", async () => {
    const specPath = path.join(dir, "spec.json");
    const spec = JSON.parse(await readFile(specPath, "utf8")) as {
      tables: { ohlcv_1h: { files: { path: string }[] } };
    };
    spec.tables.ohlcv_1h.files[0]!.path = "data/ohlcv_1h/../../../etc/passwd";
    await writeFile(specPath, JSON.stringify(spec));
    const problems = (await verify()).problems;
    expect(problems.map((p) => p.reason)).toEqual(
      expect.arrayContaining(["spec_invalid", "path_invalid", "file_not_in_spec"]),
    );
    expect(problems.find((p) => p.reason === "path_invalid")!.file).toBe("data/ohlcv_1h/../../../etc/passwd");
  });
});
