import type { LiquidationRow } from "@cexdata/schema";
import { describe, expect, it } from "vitest";
import { mergeCoverage } from "../store/spec-extras.js";
import { IN_FLIGHT_MARGIN_MS, SEAM_REASON, computeCoverage } from "./coverage-windows.js";
import type { WalRecord } from "./write-ahead-log.js";

const T = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

describe("computeCoverage", () => {
  it("closes a window at a disconnect, minus what could have been in flight", () => {
    const records: WalRecord[] = [
      { t: "up", exchange: "okx", ts: T },
      { t: "alive", exchange: "okx", ts: T + 1000 },
      { t: "down", exchange: "okx", ts: T + 5000, reason: "connection closed" },
    ];
    expect(computeCoverage(records)).toEqual([
      { exchange: "okx", start: iso(T), end: iso(T + 5000 - IN_FLIGHT_MARGIN_MS) },
    ]);
  });

  it("closes the window of a killed process at the last proof of life", () => {
    const row: LiquidationRow = {
      exchange: "bybit",
      symbol: "BTC/USDT:USDT",
      ts: T + 3000,
      id: "a1",
      base: "BTC",
      quote: "USDT",
      side: "long",
      price: 60_000,
      amount: 0.1,
      value: 6000,
    };
    const records: WalRecord[] = [
      { t: "up", exchange: "bybit", ts: T },
      { t: "alive", exchange: "bybit", ts: T + 2000 },
      { t: "row", row },
    ];
    expect(computeCoverage(records)).toEqual([
      { exchange: "bybit", start: iso(T), end: iso(T + 3000 - IN_FLIGHT_MARGIN_MS) },
    ]);
  });

  it("keeps a seal seam exact, so windows of consecutive log files join", () => {
    const before: WalRecord[] = [
      { t: "up", exchange: "binance", ts: T },
      { t: "down", exchange: "binance", ts: T + 60_000, reason: SEAM_REASON },
    ];
    expect(computeCoverage(before)).toEqual([{ exchange: "binance", start: iso(T), end: iso(T + 60_000) }]);
    // The next log file opens where the sealed one ended: read together and merged into the spec
    // as the collector's merge does, the two files give one unbroken window.
    const after: WalRecord[] = [
      { t: "up", exchange: "binance", ts: T + 60_000 },
      { t: "alive", exchange: "binance", ts: T + 90_000 },
      { t: "down", exchange: "binance", ts: T + 120_000, reason: "connection closed" },
    ];
    expect(mergeCoverage(computeCoverage([...before, ...after]))).toEqual([
      { exchange: "binance", start: iso(T), end: iso(T + 120_000 - IN_FLIGHT_MARGIN_MS) },
    ]);
  });

  it("records nothing for a connection too short to prove anything", () => {
    const records: WalRecord[] = [
      { t: "up", exchange: "okx", ts: T },
      { t: "down", exchange: "okx", ts: T + 100, reason: "reset" },
    ];
    expect(computeCoverage(records)).toEqual([]);
  });
});
