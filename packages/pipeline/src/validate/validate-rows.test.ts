import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { OhlcvRow } from "@cexdata/schema";
import { LATER, loadBinanceSpotRows, makeOhlcvRows, makeTempDir } from "../../test/store-fixture-rows.js";
import { appendQuarantine, InvalidRunIdError, validateRows } from "./index.js";

const ctx = { source: "rest", nowMs: LATER } as const;
const good = (): OhlcvRow => makeOhlcvRows(1, Date.UTC(2024, 0, 1))[0]!;
const reasonOf = (
  row: unknown,
  table: "ohlcv_1m" | "ohlcv_1h" | "funding_rates" = "ohlcv_1m",
  nowMs = LATER,
) => {
  const { accepted, rejected } = validateRows(table, [row], { source: "rest", nowMs });
  return accepted.length === 1 ? "accepted" : rejected[0]!.reason;
};

describe("validateRows", () => {
  it("accepts real Binance klines unchanged", async () => {
    const rows = await loadBinanceSpotRows();
    const { accepted, rejected } = validateRows("ohlcv_1m", rows, ctx);
    expect(rejected).toEqual([]);
    expect(accepted).toEqual(rows);
  });

  it.each([
    ["invalid_shape", { ...good(), extra: 1 }],
    ["invalid_shape", (({ trades: _t, ...rest }) => rest)(good())],
    ["invalid_shape", { ...good(), open: "100" }],
    ["invalid_shape", { ...good(), symbol: "BTC/USDT'; DROP TABLE x" }],
    ["invalid_shape", { ...good(), market: "futures" }],
    ["invalid_shape", { ...good(), trades: 1.5 }],
    ["invalid_shape", null],
    ["non_finite_number", { ...good(), close: Number.NaN }],
    ["non_finite_number", { ...good(), volume: Number.POSITIVE_INFINITY }],
    ["price_not_positive", { ...good(), open: 0 }],
    ["price_not_positive", { ...good(), low: -1 }],
    ["negative_amount", { ...good(), volume: -0.1 }],
    ["negative_amount", { ...good(), quote_volume: -5 }],
    ["symbol_base_quote_mismatch", { ...good(), base: "ETH" }],
    ["market_symbol_mismatch", { ...good(), market: "perp" }],
    ["low_above_open_close", { ...good(), low: 100.5, open: 100, close: 101, high: 102 }],
    ["high_below_open_close", { ...good(), high: 100.5, open: 100, close: 101, low: 99 }],
    ["ts_not_aligned", { ...good(), ts: Date.UTC(2024, 0, 1) + 30_000 }],
    ["candle_not_closed", { ...good(), ts: LATER }],
  ])("rejects with %s", (reason, row) => {
    expect(reasonOf(row)).toBe(reason);
  });

  it("accepts nulls where the schema allows them, a candle closing exactly now, and flat candles", () => {
    expect(reasonOf({ ...good(), quote_volume: null, trades: null })).toBe("accepted");
    expect(reasonOf({ ...good(), ts: LATER - 60_000 })).toBe("accepted");
    expect(reasonOf({ ...good(), open: 5, high: 5, low: 5, close: 5, volume: 0 })).toBe("accepted");
    expect(reasonOf({ ...good(), ts: LATER - 60_000 }, "ohlcv_1m", LATER - 1)).toBe("candle_not_closed");
  });

  it("aligns to the table's interval: a 1h candle on the half hour is refused", () => {
    expect(reasonOf({ ...good(), ts: Date.UTC(2024, 0, 1, 5) }, "ohlcv_1h")).toBe("accepted");
    expect(reasonOf({ ...good(), ts: Date.UTC(2024, 0, 1, 5, 30) }, "ohlcv_1h")).toBe("ts_not_aligned");
  });

  it("accepts Binance funding times a few ms past the hour, refuses funding in the future", () => {
    const funding = {
      exchange: "binance",
      symbol: "XRP/USDT:USDT",
      ts: 1637193600017,
      base: "XRP",
      quote: "USDT",
      funding_rate: -0.0001,
      mark_price: null,
      interval_hours: 8,
    };
    expect(reasonOf(funding, "funding_rates")).toBe("accepted");
    expect(reasonOf({ ...funding, ts: LATER + 1 }, "funding_rates")).toBe("ts_in_future");
  });

  it("collapses exact duplicates and rejects both rows of a conflicting pair", () => {
    const a = good();
    const b = { ...good(), ts: a.ts + 60_000 };
    const { accepted, rejected } = validateRows(
      "ohlcv_1m",
      [a, { ...a }, b, { ...b, close: b.close + 1 }],
      ctx,
    );
    expect(accepted).toEqual([a]);
    expect(rejected.map((r) => r.reason)).toEqual(["conflicting_duplicate", "conflicting_duplicate"]);
    expect(rejected[0]!.detail).toContain("close");
    expect(rejected.map((r) => r.row)).toContainEqual(b);
  });

  it("says which field and values broke the rule, and names the source", () => {
    const { rejected } = validateRows("ohlcv_1m", [{ ...good(), high: 100.5, open: 100, close: 101 }], {
      source: "archive",
      nowMs: LATER,
    });
    expect(rejected[0]).toMatchObject({ reason: "high_below_open_close", source: "archive" });
    expect(rejected[0]!.detail).toMatch(/high 100\.5 < max\(open, close\) 101/);
  });
});

describe("appendQuarantine", () => {
  it("appends one JSON line per rejected row with its reason, keeping NaN visible", async () => {
    const dir = await makeTempDir();
    const bad = validateRows(
      "ohlcv_1m",
      [
        { ...good(), close: Number.NaN },
        { ...good(), base: "ETH" },
      ],
      ctx,
    );
    const file = await appendQuarantine(dir, "run-1", bad.rejected);
    await appendQuarantine(dir, "run-1", bad.rejected.slice(0, 1));
    expect(file).toBe(path.join(dir, "quarantine", "run-1.jsonl"));
    const lines = (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l["reason"])).toEqual([
      "non_finite_number",
      "symbol_base_quote_mismatch",
      "non_finite_number",
    ]);
    expect(lines[0]).toMatchObject({ source: "rest", row: { close: "NaN" } });
    await expect(appendQuarantine(dir, "../escape", bad.rejected)).rejects.toBeInstanceOf(InvalidRunIdError);
    await rm(dir, { recursive: true, force: true });
  });
});
