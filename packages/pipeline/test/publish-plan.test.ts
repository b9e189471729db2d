import { describe, expect, it } from "vitest";
import { specColumnsOf, type DatasetSpec, type SpecFile, type SpecGap } from "@cexdata/schema";
import { planPublish, PublishError } from "../src/publish/index.js";

// The publish rules on their own: what one commit must hold, given the local spec and the Hub's.
const NOW = new Date("2024-06-02T00:00:00.000Z");
const file = (base: string, sha: string): SpecFile => ({
  path: `data/ohlcv_1d/base=${base}/all.parquet`,
  rows: 1,
  bytes: 100,
  sha256: sha.repeat(64).slice(0, 64),
  min_ts: "2024-01-01T00:00:00.000Z",
  max_ts: "2024-01-01T00:00:00.000Z",
});
const gap = (symbol: string): SpecGap => ({
  exchange: "okx",
  symbol,
  start: "2024-01-02T00:00:00.000Z",
  end: "2024-01-03T00:00:00.000Z",
  missing: 1,
});
const spec = (version: number, files: SpecFile[], gaps?: SpecGap[]): DatasetSpec => ({
  version,
  update_time: "2024-06-01T00:00:00.000Z",
  tables: { ohlcv_1d: { columns: specColumnsOf("ohlcv_1d"), files, ...(gaps && { gaps }) } },
});
const hub = (s: DatasetSpec | null) => ({ head: s ? `c${s.version}` : null, spec: s });

describe("planPublish", () => {
  it("uploads everything to an empty repo", () => {
    const plan = planPublish({ local: spec(1, [file("BTC", "a")]), hub: hub(null), now: NOW });
    expect(plan.uploads).toEqual(["data/ohlcv_1d/base=BTC/all.parquet"]);
    expect(plan.specIsLocal).toBe(true);
  });

  it("uploads changed and new files, deletes dropped ones", () => {
    const plan = planPublish({
      local: spec(2, [file("BTC", "b"), file("ETH", "c")]),
      hub: hub(spec(1, [file("BTC", "a"), file("SOL", "d")])),
      now: NOW,
    });
    expect(plan.uploads).toEqual([
      "data/ohlcv_1d/base=BTC/all.parquet",
      "data/ohlcv_1d/base=ETH/all.parquet",
    ]);
    expect(plan.deletes).toEqual(["data/ohlcv_1d/base=SOL/all.parquet"]);
  });

  it("has nothing to publish when the files and gaps are the Hub's, whatever the version says", () => {
    const plan = planPublish({
      local: spec(7, [file("BTC", "a")]),
      hub: hub(spec(3, [file("BTC", "a")])),
      now: NOW,
    });
    expect(plan.specChanged).toBe(false);
    expect(plan.uploads).toEqual([]);
  });

  it("refuses an equal or lower version with different content", () => {
    for (const version of [2, 3]) {
      expect(() =>
        planPublish({
          local: spec(version, [file("BTC", "b")]),
          hub: hub(spec(3, [file("BTC", "a")])),
          now: NOW,
        }),
      ).toThrow(expect.objectContaining({ name: "PublishError", code: "stale-version" }));
    }
  });

  it("after losing a race, merges three ways: keeps what they added, what we deleted stays deleted, version above both", () => {
    const base = spec(1, [file("BTC", "a"), file("XRP", "x")], [gap("BTC/USDT"), gap("XRP/USDT")]);
    // We: rewrote BTC, deleted XRP, filled the XRP gap. They: added SOL and a SOL gap.
    const local = spec(2, [file("BTC", "b")], [gap("BTC/USDT")]);
    const theirs = spec(
      2,
      [file("BTC", "a"), file("XRP", "x"), file("SOL", "s")],
      [gap("BTC/USDT"), gap("XRP/USDT"), gap("SOL/USDT")],
    );
    const plan = planPublish({ local, hub: hub(theirs), base: hub(base), now: NOW });

    expect(plan.merged).toBe(true);
    expect(plan.spec.version).toBe(3);
    expect(plan.spec.update_time).toBe(NOW.toISOString());
    expect(plan.spec.tables.ohlcv_1d!.files.map((f) => f.path)).toEqual([
      "data/ohlcv_1d/base=BTC/all.parquet",
      "data/ohlcv_1d/base=SOL/all.parquet",
    ]);
    expect(plan.spec.tables.ohlcv_1d!.gaps!.map((g) => g.symbol).sort()).toEqual(["BTC/USDT", "SOL/USDT"]);
    expect(plan.uploads).toEqual(["data/ohlcv_1d/base=BTC/all.parquet"]);
    expect(plan.deletes).toEqual(["data/ohlcv_1d/base=XRP/all.parquet"]);
  });

  it("after losing a race, refuses when both sides rewrote the same file", () => {
    const base = spec(1, [file("BTC", "a")]);
    const run = () =>
      planPublish({
        local: spec(2, [file("BTC", "b")]),
        hub: hub(spec(2, [file("BTC", "c")])),
        base: hub(base),
        now: NOW,
      });
    expect(run).toThrow(PublishError);
    expect(run).toThrow(/changed by another publisher/);
  });
});
