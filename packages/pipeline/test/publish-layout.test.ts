import { isPresentOnly, TABLE_NAMES, TABLES, partitionPath, type TableName } from "@cexdata/schema";
import { describe, expect, it } from "vitest";
import { checkLayout, measureLayout, PublishError } from "../src/publish/index.js";
import { planCommits } from "../src/publish/plan-commits.js";

/**
 * Every partition path of `bases` bases over `years` years; liquidations, book depth and the tables
 * read as of now (funding predictions), which no archive keeps: collected from the day a collector or
 * run started, over `recentYears`.
 */
function layoutOf(bases: number, years: number, recentYears: number): string[] {
  const paths = new Set<string>();
  const baseNames = Array.from({ length: bases }, (_, i) => `B${i}`);
  for (const table of TABLE_NAMES as readonly TableName[]) {
    const rule = TABLES[table].partition;
    const collected = table === "liquidations" || table === "book_depth" || isPresentOnly(table);
    const span = collected ? recentYears : years;
    const months = Array.from({ length: span * 12 }, (_, m) => Date.UTC(2025 - span, m, 1));
    for (const base of rule.byBase ? baseNames : [undefined]) {
      for (const tsMs of rule.period === "none" ? [0] : months)
        paths.add(partitionPath(table, { base, tsMs }));
    }
  }
  return [...paths];
}

/**
 * The partition paths of `bases` bases holding every table over the 96 months up to `nowMs` (its
 * month included), each file where the store puts it at `nowMs`: the schema's rule, closed years of
 * liquidations and book depth in one file each, those of the small yearly tables in one `all` file.
 * Exchanges do not add files (a file holds every exchange's rows of its base), so this is the
 * layout of all four.
 */
function layoutAt(bases: number, nowMs: number): string[] {
  const paths = new Set<string>();
  const now = new Date(nowMs);
  const months = Array.from({ length: 96 }, (_, m) =>
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 95 + m, 1),
  );
  for (const table of TABLE_NAMES as readonly TableName[]) {
    const rule = TABLES[table].partition;
    for (let b = 0; b < (rule.byBase ? bases : 1); b++) {
      const base = rule.byBase ? `B${b}` : undefined;
      for (const tsMs of rule.period === "none" ? [0] : months)
        paths.add(partitionPath(table, { base, tsMs, nowMs }));
    }
  }
  return [...paths];
}

const spec = (paths: string[]) => ({
  version: 1,
  update_time: "2024-06-01T00:00:00.000Z",
  tables: {
    ohlcv_1m: {
      columns: [],
      files: paths.map((path) => ({
        path,
        rows: 1,
        bytes: 1,
        sha256: "0".repeat(64),
        min_ts: null,
        max_ts: null,
      })),
    },
  },
});

describe("the dataset layout against the Hub's recommendations (under 100k files, under 10k per folder)", () => {
  it("500 bases over 8 years, liquidations and book depth collected for a year: 89k files, 500 in the fullest folder", () => {
    const report = measureLayout(layoutOf(500, 8, 1));
    // Per base: 96 monthly 1m files, 8 yearly 1h, 1 daily file, 8 funding, 8 open interest, 12 liquidations,
    // 8 each of mark, index, premium-index candles and long/short ratios, 1 coverage, 12 book depth,
    // 1 funding predictions.
    expect(report.files).toBe(500 * (96 + 8 + 1 + 8 + 8 + 12 + 4 * 8 + 1 + 12 + 1) + 2 + 3);
    expect(report.fullestFolderEntries).toBe(500);
    expect(() => checkLayout(spec(layoutOf(500, 8, 1)) as never)).not.toThrow();
  });

  it("500 bases, every table over 8 years, in the schema's layout: under 80k files and 10k per folder in every month", () => {
    const perBase = (nowMs: number) => layoutAt(1, nowMs).length - 2;
    const yearly = TABLE_NAMES.filter((t) => TABLES[t].partition.period === "year");
    const small = yearly.filter((t) => TABLES[t].partition.compactClosedYears);
    // 1h candles keep a file a year; the 7 small yearly tables (funding, open interest, mark, index and
    // premium-index candles, long/short ratios, funding predictions) hold 2 files a base.
    expect([yearly.length, small.length]).toEqual([8, 7]);
    // 8 calendar years, now in December of the last: per base 96 one-minute months, 8 files of 1h
    // candles, 2 of each small yearly table (closed years + the open year), 1 daily, 1 coverage, and
    // for liquidations and book depth 7 closed years + 12 months.
    const december = Date.UTC(2024, 11, 20);
    expect(perBase(december)).toBe(96 + 8 + 2 * 7 + 2 + 2 * (7 + 12));
    expect(measureLayout(layoutAt(500, december))).toMatchObject({
      files: 79_005,
      fullestFolderEntries: 500,
    });
    // The fullest month: in November 96 months span 9 calendar years (9 files of 1h candles) and
    // liquidations and book depth hold 8 closed years + 11 months.
    const counts = Array.from({ length: 12 }, (_, m) => perBase(Date.UTC(2024, m, 20)));
    expect(Math.max(...counts)).toBe(96 + 9 + 2 * 7 + 2 + 2 * (8 + 11));
    const fullest = measureLayout(layoutAt(500, Date.UTC(2024, 10, 20)));
    // ~20k files of headroom: room for 20 more small yearly tables (1,000 files each at 500 bases).
    expect(fullest).toMatchObject({ files: 79_505, fullestFolderEntries: 500 });
    expect(100_000 - fullest.files).toBeGreaterThan(20_000);
    expect(() => checkLayout(spec(layoutAt(500, Date.UTC(2024, 10, 20))) as never)).not.toThrow();
    // Every month, keeping every month of liquidations and book depth would be ~173k files.
    expect(layoutOf(500, 8, 8).length).toBeGreaterThan(170_000);
  });

  it("refuses, with the numbers and a way out, a repo of 100k files or a folder of 10k entries", () => {
    const tooMany = layoutOf(500, 8, 8);
    const error = (() => {
      try {
        checkLayout(spec(tooMany) as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ code: "layout" });
    // Eight years of liquidations, book depth and funding predictions too: over the recommendation, and the check says so.
    expect((error as Error).message).toMatch(/177005 files.*under 100000 per repo.*coarser partitions/);

    const flat = Array.from({ length: 10_000 }, (_, i) => `data/ohlcv_1m/base=B${i}/2024-01.parquet`);
    expect(() => checkLayout(spec(flat) as never)).toThrow(/folder data\/ohlcv_1m would hold 10000 entries/);
  });
});

describe("planCommits", () => {
  it("fills commits to the limit, spec.json with the last files, deletions in and after that commit", () => {
    const uploads = Array.from({ length: 250 }, (_, i) => `u${i}`);
    const deletes = Array.from({ length: 130 }, (_, i) => `d${i}`);
    const commits = planCommits({ uploads, deletes, specOperations: 2, maxOperations: 100 });
    const sizes = commits.map((c) => c.uploads.length + c.deletes.length + (c.publishesSpec ? 2 : 0));
    expect(sizes).toEqual([100, 100, 100, 82]);
    expect(commits.map((c) => c.publishesSpec)).toEqual([false, false, true, false]);
    expect(commits.slice(0, 2).every((c) => c.deletes.length === 0)).toBe(true);
    expect(commits.flatMap((c) => c.uploads)).toEqual(uploads);
    expect(commits.flatMap((c) => c.deletes)).toEqual(deletes);
  });

  it("a daily publish of 400 files and the card is 5 commits; 398 files fit in 4", () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    expect(
      planCommits({ uploads: files(400), deletes: [], specOperations: 2, maxOperations: 100 }),
    ).toHaveLength(5);
    expect(
      planCommits({ uploads: files(398), deletes: [], specOperations: 2, maxOperations: 100 }),
    ).toHaveLength(4);
  });
});
