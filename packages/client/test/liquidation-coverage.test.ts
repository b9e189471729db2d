import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { LiquidationRow } from "@cexdata/schema";
import { openDatasetStore } from "@cexdata/pipeline";
import { Dataset, InvalidArgumentError, Token } from "../src/index.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const T = Date.UTC(2026, 10, 1, 12);

it("returns collected liquidations with the windows in which the collector was listening", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cexdata-coverage-"));
  dirs.push(dir);
  const row = (exchange: string, ts: number, id: string): LiquidationRow => ({
    exchange,
    symbol: "BTC/USDT:USDT",
    ts,
    id,
    base: "BTC",
    quote: "USDT",
    side: "long",
    price: 60_000,
    amount: 0.5,
    value: 30_000,
  });
  const store = await openDatasetStore({ dir });
  await store.stage("liquidations", [row("binance", T + 1000, "a"), row("okx", T + 2000, "b")], "ws");
  store.addCoverage("liquidations", [
    { exchange: "binance", start: new Date(T).toISOString(), end: new Date(T + 60_000).toISOString() },
    { exchange: "okx", start: new Date(T).toISOString(), end: new Date(T + 30_000).toISOString() },
  ]);
  await store.commit();
  await store.close();

  const dataset = new Dataset({ source: dir, cacheDir: join(dir, ".cache") });
  const btc = new Token("BTC", { dataset });
  const okx = await btc.liquidations({ exchange: "okx" });
  expect(okx.map((l) => [l.exchange, l.ts.getTime(), l.side, l.value])).toEqual([
    ["okx", T + 2000, "long", 30_000],
  ]);
  expect(await btc.liquidationCoverage({ exchange: "okx" })).toEqual([
    { exchange: "okx", start: new Date(T), end: new Date(T + 30_000) },
  ]);
  expect((await btc.liquidationCoverage()).map((w) => w.exchange)).toEqual(["binance", "okx"]);
  await expect(btc.liquidationCoverage({ exchange: "Binance'; --" })).rejects.toThrow(InvalidArgumentError);
  await dataset.close();
});
