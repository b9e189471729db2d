import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { pino } from "pino";
import { startExchangeSimulator, type ExchangeSimulator } from "@cexdata/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load-config.js";
import { RawLog, listRawFiles, readRawFile } from "../src/raw/raw-log.js";
import { replayRaw } from "../src/replay/replay-raw.js";
import { runCycle } from "../src/run/run-cycle.js";
import { openDatasetStore, readSpec, verifyDataset } from "../src/store/index.js";
import { expectedSeries } from "./helpers/expected-series.js";
import { readTable } from "./helpers/read-table.js";

// What OKX forgets (funding after about three months, liquidation orders after a day) was stored by
// a parser that read the wrong fields. Once the exchange no longer serves it, only the raw layer can
// put it right: `cexdata replay` re-derives it through today's parsers.

const SEED = 23;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 6, 10, 12, 0, 0);
const SYMBOL = "BTC/USDT:USDT";
const logger = pino({ level: "silent" });
const here = import.meta.dirname;
const tsxLoader = pathToFileURL(path.resolve(here, "../../../node_modules/tsx/dist/loader.mjs")).href;
const cli = path.resolve(here, "../src/cli/main.ts");

let now = T0;
let sim: ExchangeSimulator;
let dir: string;
beforeAll(async () => {
  sim = await startExchangeSimulator({ seed: SEED, nowMs: () => now });
  dir = await mkdtemp(path.join(tmpdir(), "cexdata-replay-"));
});
afterAll(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
const FUNDING = ["ts", "funding_rate", "interval_hours"] as const;
const LIQUIDATION = ["ts", "side", "price", "amount"] as const;
const pick = (rows: readonly Row[], cols: readonly string[]) =>
  rows
    .filter((r) => r.exchange === "okx")
    .map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])))
    .sort((a, b) => Number(a.ts) - Number(b.ts));

/** The bug OKX's funding once had (the predicted rate, not the one paid) and a contracts-for-coins one. */
async function storeWithWrongParsers(): Promise<{ funding: number; liquidations: number }> {
  const wrong: Record<"funding_rates" | "liquidations", Row[]> = { funding_rates: [], liquidations: [] };
  const stored = {
    funding_rates: await readTable(dir, "funding_rates"),
    liquidations: await readTable(dir, "liquidations"),
  };
  for (const file of await listRawFiles(dir, { exchange: "okx" })) {
    for (const { record } of (await readRawFile(file)).records) {
      const data = (JSON.parse(record.body) as { data: Row[] }).data;
      if (record.table === "funding_rates") {
        for (const d of data) {
          const row = stored.funding_rates.find(
            (r) => r.exchange === "okx" && r.ts === Number(d.fundingTime),
          );
          if (row) wrong.funding_rates.push({ ...row, funding_rate: Number(d.fundingRate) });
        }
      }
    }
  }
  for (const row of stored.liquidations.filter((r) => r.exchange === "okx")) {
    // Contracts (0.01 BTC each) stored as coins.
    wrong.liquidations.push({
      ...row,
      amount: (row.amount as number) * 100,
      value: (row.value as number) * 100,
    });
  }
  const store = await openDatasetStore({ dir, nowMs: () => now });
  // An older release's rows as they were committed: the archive rank makes them replace the good ones here.
  await store.stage("funding_rates", wrong.funding_rates as never, "archive");
  await store.stage("liquidations", wrong.liquidations as never, "archive");
  await store.commit();
  await store.close();
  return { funding: wrong.funding_rates.length, liquidations: wrong.liquidations.length };
}

async function cexdata(...args: string[]): Promise<Row> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=@cexdata/source", "--import", tsxLoader, cli, ...args],
    { env: { ...process.env, ...sim.env(), CEXDATA_LOG_LEVEL: "warn" } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Row;
}

describe("cexdata replay", () => {
  it("restores what a wrong parser stored after the exchange forgot it, reporting each change; twice is a no-op", async () => {
    const config = parseConfig({
      exchanges: ["okx"],
      markets: ["perp"],
      bases: ["BTC"],
      tables: ["funding_rates", "liquidations"],
      since: "2d",
    });
    const first = await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => now });
    expect(first.report.failures).toEqual([]);
    expect(first.report.raw?.records).toBeGreaterThan(1);
    const start = T0 - 2 * DAY;
    const truth = {
      funding: pick(
        expectedSeries({
          seed: SEED,
          table: "funding_rates",
          exchange: "okx",
          symbol: SYMBOL,
          startMs: start,
          endMs: T0,
          nowMs: T0,
        }).map((r) => ({ ...r, exchange: "okx" })),
        FUNDING,
      ),
      liquidations: pick(await readTable(dir, "liquidations"), LIQUIDATION),
    };
    // What the run stored of the liquidations is what the simulator served (its last day).
    const served = pick(
      expectedSeries({
        seed: SEED,
        table: "liquidations",
        exchange: "okx",
        symbol: SYMBOL,
        startMs: start,
        endMs: T0,
        nowMs: T0,
      }).map((r) => ({ ...r, exchange: "okx" })),
      LIQUIDATION,
    ).map((r) => JSON.stringify(r));
    expect(truth.liquidations.filter((r) => !served.includes(JSON.stringify(r)))).toEqual([]);
    expect(pick(await readTable(dir, "funding_rates"), FUNDING)).toEqual(truth.funding);
    expect(truth.funding.length).toBeGreaterThan(4);
    expect(truth.liquidations.length).toBeGreaterThan(4);

    const wrong = await storeWithWrongParsers();
    expect(pick(await readTable(dir, "funding_rates"), FUNDING)).not.toEqual(truth.funding);

    // 100 days on, OKX serves neither any more: a new run cannot put the old rows right.
    now = T0 + 100 * DAY;
    await runCycle({ config, datasetDir: dir, logger, env: sim.env(), nowMs: () => now, captureRaw: false });
    const stillWrong = pick(await readTable(dir, "funding_rates"), FUNDING).filter((r) => Number(r.ts) < T0);
    expect(stillWrong).not.toEqual(truth.funding);

    const versionBefore = (await readSpec(dir))!.version;
    const dry = await cexdata("replay", "--dataset", dir, "--exchange", "okx", "--dry-run");
    expect(dry).toMatchObject({
      dryRun: true,
      added: 0,
      changed: wrong.funding + wrong.liquidations,
      skipped: 0,
    });
    expect((await readSpec(dir))!.version).toBe(versionBefore);
    const days = (dry.changes as { table: string; day: string; changed: number }[]).filter(
      (c) => c.table === "funding_rates",
    );
    expect(days.map((d) => d.day)).toEqual([
      ...new Set(truth.funding.map((r) => new Date(Number(r.ts)).toISOString().slice(0, 10))),
    ]);

    const applied = await cexdata("replay", "--dataset", dir, "--exchange", "okx");
    expect(applied).toMatchObject({ dryRun: false, added: 0, changed: wrong.funding + wrong.liquidations });
    const restored = pick(await readTable(dir, "funding_rates"), FUNDING).filter((r) => Number(r.ts) < T0);
    expect(restored).toEqual(truth.funding);
    expect(pick(await readTable(dir, "liquidations"), LIQUIDATION).filter((r) => Number(r.ts) < T0)).toEqual(
      truth.liquidations,
    );
    expect((await verifyDataset({ dir })).problems).toEqual([]);
    // The run report names every changed row with its stored and replayed values.
    const report = JSON.parse(await readFile(String(applied.report), "utf8")) as {
      replay: { changes: { table: string; rows: { kind: string; before: Row; after: Row }[] }[] };
    };
    const fundingChanges = report.replay.changes
      .filter((c) => c.table === "funding_rates")
      .flatMap((c) => c.rows);
    expect(fundingChanges.length).toBe(wrong.funding);
    expect(fundingChanges.map((c) => ({ ts: c.after.ts, funding_rate: c.after.funding_rate }))).toEqual(
      truth.funding.map((r) => ({ ts: r.ts, funding_rate: r.funding_rate })),
    );
    expect(fundingChanges.every((c) => c.before.funding_rate !== c.after.funding_rate)).toBe(true);

    // Replaying again changes nothing and commits nothing.
    const second = await replayRaw({
      datasetDir: dir,
      exchange: "okx",
      logger,
      env: sim.env(),
      nowMs: () => now,
    });
    expect(second.changes).toEqual([]);
    expect(second.report.commit).toBeNull();
  });

  it("a record that no longer parses is named by file and offset and skipped; the rest replays", async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), "cexdata-replay-format-"));
    // A real OKX funding-rate-history answer, then the same answer after a format change, then one cut short.
    const recorded = await readFile(
      path.join(here, "fixtures/exchanges/okx/http_get_funding_rate_history.json"),
      "utf8",
    );
    const renamed = JSON.stringify({
      ...JSON.parse(recorded),
      data: undefined,
      result: JSON.parse(recorded).data,
    });
    const log = await RawLog.open(fresh, "run-format");
    const record = (body: string, at: number) => ({
      receivedAt: at,
      exchange: "okx",
      transport: "rest" as const,
      endpoint: "/api/v5/public/funding-rate-history",
      params: { instId: "BTC-USDT-SWAP", limit: "400" },
      table: "funding_rates",
      symbol: SYMBOL,
      status: 200,
      body,
    });
    const day = Date.UTC(2024, 0, 1, 1);
    log.append(record(renamed, day));
    log.append(record(recorded.slice(0, 90), day + 1));
    log.append(record(recorded, day + 2));
    await log.seal();
    const [file] = await listRawFiles(fresh);

    const result = await replayRaw({ datasetDir: fresh, logger, env: sim.env(), nowMs: () => now });
    expect(result.problems.map((p) => ({ file: p.file, reason: p.reason.split(":")[0] }))).toEqual([
      { file, reason: "does not parse" },
      { file, reason: "does not parse" },
    ]);
    const offsets = result.problems.map((p) => p.offset);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeGreaterThan(0);
    // The good record's rows are stored, with the rate OKX paid.
    expect(pick(await readTable(fresh, "funding_rates"), ["ts", "funding_rate"])).toEqual([
      { ts: Date.UTC(2023, 11, 31, 16), funding_rate: -0.00002 },
      { ts: Date.UTC(2024, 0, 1), funding_rate: 0.00015 },
    ]);
    await rm(fresh, { recursive: true, force: true });
  });
});
