import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatasetStore } from "@cexdata/pipeline";
import type { FundingRateRow } from "@cexdata/schema";
import { Dataset, Token } from "../src/index.js";
import { installReleasedClient } from "./support/released-client.js";

// Issue 19: the small yearly tables keep every closed year of a base in one `all.parquet` beside the
// open year's file. Today's client and the client released before (fixtures/released-client) pick it
// by its min/max ts and read every year in it, whole or cut by start/end.

const NOW = Date.UTC(2025, 0, 2, 9);
const FIRST = Date.UTC(2022, 11, 31, 16);
const STEP = 8 * 3_600_000;

let work: string;
let dir: string;
/** Every funding of BTC on Binance from the last of 2022 to the first of 2025, 8 hours apart. */
const rows: FundingRateRow[] = Array.from({ length: 3 * 365 + 2 }, (_, i) => i)
  .flatMap((day) =>
    [0, 1, 2].map((k) => {
      const n = day * 3 + k;
      return {
        exchange: "binance",
        symbol: "BTC/USDT:USDT",
        ts: FIRST + n * STEP,
        base: "BTC",
        quote: "USDT",
        funding_rate: Math.round(Math.sin(n) * 1e6) / 1e10,
        mark_price: 20_000 + n,
        interval_hours: 8,
      };
    }),
  )
  .filter((r) => r.ts < NOW);
const asPairs = (list: { ts: Date; fundingRate: number }[]) =>
  list.map((r) => [r.ts.toISOString(), r.fundingRate]);
const want = (lo: number, hi: number) =>
  rows.filter((r) => r.ts >= lo && r.ts < hi).map((r) => [new Date(r.ts).toISOString(), r.funding_rate]);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "cexdata-closed-years-"));
  dir = join(work, "dataset");
  const store = await openDatasetStore({ dir, nowMs: () => NOW });
  try {
    await store.stage("funding_rates", rows, "rest");
    await store.commit();
  } finally {
    await store.close();
  }
}, 60_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("a yearly table's file of every closed year", () => {
  it("holds 2022 to 2024 in one file beside 2025's, which today's client reads whole and by time", async () => {
    const spec = JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) as {
      tables: Record<string, { files: { path: string; min_ts: string; max_ts: string }[] }>;
    };
    const files = spec.tables["funding_rates"]!.files.map((f) => [f.path, f.min_ts, f.max_ts]).sort();
    expect(files).toEqual([
      ["data/funding_rates/base=BTC/2025.parquet", "2025-01-01T00:00:00.000Z", "2025-01-02T08:00:00.000Z"],
      ["data/funding_rates/base=BTC/all.parquet", "2022-12-31T16:00:00.000Z", "2024-12-31T16:00:00.000Z"],
    ]);
    const dataset = new Dataset({ source: dir, cacheDir: join(work, "cache") });
    try {
      const token = new Token("BTC", { dataset });
      expect(asPairs(await token.fundingRates({ exchange: "binance" }))).toEqual(want(-Infinity, Infinity));
      const in2023 = await token.fundingRates({
        exchange: "binance",
        start: "2023-01-01",
        end: "2024-01-01",
      });
      expect(in2023).toHaveLength(365 * 3);
      expect(asPairs(in2023)).toEqual(want(Date.UTC(2023, 0, 1), Date.UTC(2024, 0, 1)));
      // Either side of New Year: the last of the closed file and the first of the open year's.
      const around = await token.fundingRates({
        exchange: "binance",
        start: "2024-12-31T12:00:00Z",
        end: "2025-01-01T09:00:00Z",
      });
      expect(asPairs(around)).toEqual([
        ["2024-12-31T16:00:00.000Z", rows.find((r) => r.ts === Date.UTC(2024, 11, 31, 16))!.funding_rate],
        ["2025-01-01T00:00:00.000Z", rows.find((r) => r.ts === Date.UTC(2025, 0, 1))!.funding_rate],
        ["2025-01-01T08:00:00.000Z", rows.find((r) => r.ts === Date.UTC(2025, 0, 1, 8))!.funding_rate],
      ]);
    } finally {
      await dataset.close();
    }
  }, 60_000);

  it("the client released before reads it, row for row", async () => {
    const released = await installReleasedClient(work);
    const out = await released.run(
      `import { Dataset, Token } from "@cexdata/client";
const dataset = new Dataset({ source: process.argv[2], cacheDir: process.argv[3] });
const token = new Token("BTC", { dataset });
const pairs = (list) => list.map((r) => [r.ts.toISOString(), r.fundingRate]);
const out = {
  all: pairs(await token.fundingRates({ exchange: "binance" })),
  in2023: pairs(await token.fundingRates({ exchange: "binance", start: "2023-01-01", end: "2024-01-01" })),
};
console.log(JSON.stringify(out));
await dataset.close();`,
      [dir, join(work, "cache-released")],
    );
    const read = JSON.parse(out) as { all: unknown[]; in2023: unknown[] };
    expect(read.all).toEqual(want(-Infinity, Infinity));
    expect(read.in2023).toEqual(want(Date.UTC(2023, 0, 1), Date.UTC(2024, 0, 1)));
  }, 300_000);
});
