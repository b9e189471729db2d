import { spawnSync } from "node:child_process";
import { appendFile, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { RawLog, listRawFiles, readRawFile, sealDeadRunsRawFiles } from "../src/raw/raw-log.js";
import type { RawRecord } from "../src/raw/raw-record.js";
import { makeTempDir } from "./store-fixture-rows.js";

const DAY1 = Date.UTC(2026, 10, 30, 23, 59, 59);
const DAY2 = Date.UTC(2026, 11, 1, 0, 0, 1);

function record(receivedAt: number, body: string, endpoint = "/api/v5/public/funding-rate-history") {
  return {
    receivedAt,
    exchange: "okx",
    transport: "rest" as const,
    endpoint,
    params: { instId: "BTC-USDT-SWAP", limit: "400" },
    table: "funding_rates",
    symbol: "BTC/USDT:USDT",
    status: 200,
    body,
  };
}

/** The pid of a process that has exited, for files a killed run left behind. */
function deadPid(): number {
  return spawnSync(process.execPath, [
    "-e",
    "process.stdout.write(String(process.pid))",
  ]).stdout.toString() as never;
}

describe("raw layer files", () => {
  it("keeps each body exactly as received, by exchange, endpoint and UTC day, gzipped when sealed", async () => {
    const dir = await makeTempDir("raw-log");
    const log = await RawLog.open(dir, "run-1");
    const bodies = [
      '{"code":"0","data":[{"fundingRate":"0.0001000","realizedRate":"0.00009"}]}',
      '{"code":"0","data":[]}',
    ];
    log.append(record(DAY1, bodies[0]!));
    log.append(record(DAY2, bodies[1]!));
    log.append(
      record(DAY2, '{"code":"0","data":[["1733000000000","1"]]}', "/api/v5/public/liquidation-orders"),
    );
    await log.seal();

    const files = await listRawFiles(dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual([
      `raw/okx/api-v5-public-funding-rate-history/2026-11-30.run-1.${process.pid}.0.jsonl.gz`,
      `raw/okx/api-v5-public-funding-rate-history/2026-12-01.run-1.${process.pid}.0.jsonl.gz`,
      `raw/okx/api-v5-public-liquidation-orders/2026-12-01.run-1.${process.pid}.0.jsonl.gz`,
    ]);
    // Plain gzip of JSON lines: readable with zcat and jq, not only by us.
    const first = JSON.parse(gunzipSync(await readFile(files[0]!)).toString()) as RawRecord;
    expect(first).toMatchObject({
      runId: "run-1",
      exchange: "okx",
      body: bodies[0],
      params: { instId: "BTC-USDT-SWAP" },
    });
    expect((await readRawFile(files[1]!)).records.map((r) => r.record.body)).toEqual([bodies[1]]);
    expect(log.stats.records).toBe(3);
  });

  it("a run killed mid-line leaves its whole records, sealed by the next run; the torn line is dropped", async () => {
    const dir = await makeTempDir("raw-log-killed");
    const pid = Number(deadPid());
    const folder = path.join(dir, "raw/okx/api-v5-public-liquidation-orders");
    const active = path.join(folder, `2026-12-01.run-0.${pid}.0.active.jsonl`);
    const whole = [record(DAY2, '{"a":1}'), record(DAY2 + 1, '{"a":2}')].map((r) =>
      JSON.stringify({ runId: "run-0", ...r }),
    );
    await (await import("node:fs/promises")).mkdir(folder, { recursive: true });
    await writeFile(active, `${whole.join("\n")}\n`);
    await appendFile(active, whole[1]!.slice(0, 40)); // what a SIGKILL inside write() leaves

    // Reading the active file as it is already skips only the torn line.
    const asLeft = await readRawFile(active);
    expect(asLeft.records.map((r) => r.record.body)).toEqual(['{"a":1}', '{"a":2}']);
    expect(asLeft.torn).toBe(1);

    const next = await RawLog.open(dir, "run-1");
    await next.seal();
    const files = await readdir(folder);
    expect(files).toEqual([`2026-12-01.run-0.${pid}.0.jsonl.gz`]);
    const sealed = await readRawFile(path.join(folder, files[0]!));
    expect(sealed.records.map((r) => r.record.body)).toEqual(['{"a":1}', '{"a":2}']);
    expect(sealed.torn).toBe(0);
    // Sealing again (a kill between rename and removal) changes nothing.
    expect(await sealDeadRunsRawFiles(dir)).toBe(0);
  });

  it("a line that is not a record is named by file and offset and skipped; the rest is read", async () => {
    const dir = await makeTempDir("raw-log-bad");
    const log = await RawLog.open(dir, "run-1");
    log.append(record(DAY1, '{"ok":1}'));
    const [file] = await listRawFiles(dir, { includeActive: true });
    const goodLength = (await readFile(file!, "utf8")).length;
    await appendFile(file!, '{"not":"a record"}\nnot json at all\n');
    log.append(record(DAY1, '{"ok":2}'));
    await log.seal();
    const [sealed] = await listRawFiles(dir);
    const read = await readRawFile(sealed!);
    expect(read.records.map((r) => r.record.body)).toEqual(['{"ok":1}', '{"ok":2}']);
    expect(read.problems).toEqual([
      expect.objectContaining({
        file: sealed,
        offset: goodLength,
        reason: expect.stringContaining("not a raw record"),
      }),
      expect.objectContaining({
        file: sealed,
        offset: goodLength + 19,
        reason: expect.stringContaining("not JSON"),
      }),
    ]);
  });

  it("appends after a seal go to a new segment; nothing sealed is overwritten", async () => {
    const dir = await makeTempDir("raw-log-segments");
    const log = await RawLog.open(dir, "collect-1");
    log.append(record(DAY2, '{"n":1}'));
    await log.seal();
    log.append(record(DAY2, '{"n":2}'));
    await log.seal();
    const bodies = [];
    for (const f of await listRawFiles(dir))
      bodies.push(...(await readRawFile(f)).records.map((r) => r.record.body));
    expect(bodies).toEqual(['{"n":1}', '{"n":2}']);
  });

  it("lists by exchange and inclusive day range", async () => {
    const dir = await makeTempDir("raw-log-filter");
    const log = await RawLog.open(dir, "run-1");
    log.append(record(DAY1, "{}"));
    log.append({ ...record(DAY2, "{}"), exchange: "binance", endpoint: "/futures/data/openInterestHist" });
    await log.seal();
    expect((await listRawFiles(dir, { exchange: "okx" })).length).toBe(1);
    expect(
      (await listRawFiles(dir, { sinceDay: "2026-12-01" })).map((f) => path.basename(path.dirname(f))),
    ).toEqual(["futures-data-openInterestHist"]);
    expect(await listRawFiles(dir, { untilDay: "2026-11-29" })).toEqual([]);
  });
});
