import { describe, expect, it } from "vitest";
import { ROW_SCHEMAS, TABLE_NAMES, tableDef, type TableName } from "@cexdata/schema";
import { openDuckDB } from "../store/index.js";
import { buildFastShapeCheck } from "./shape.js";
import { ruleViolationSql, rulesOf, validateRows } from "./index.js";

/** A small deterministic PRNG, so a failure reproduces. */
function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2024, 0, 1);
const VALID: Record<string, unknown> = {
  exchange: "binance",
  market: "spot",
  symbol: "BTC/USDT",
  ts: T0,
  base: "BTC",
  quote: "USDT",
  open: 100,
  high: 102,
  low: 99,
  close: 101,
  volume: 3,
  quote_volume: 300,
  trades: 4,
  taker_buy_volume: 1,
  taker_buy_quote_volume: 100,
  top_trader_account_ratio: 1.4,
  top_trader_position_ratio: 1.8,
  global_account_ratio: 1.1,
  taker_buy_sell_ratio: 0.95,
  funding_rate: 0.0001,
  funding_time: T0 + 8 * 3_600_000,
  mark_price: 100,
  index_price: 100,
  interval_hours: 8,
  open_interest: 5,
  open_interest_value: 500,
  id: "42",
  side: "long",
  price: 100,
  amount: 1,
  value: 100,
  active: true,
  contract_size: null,
  tick_size: 0.01,
  amount_step: null,
  min_amount: null,
  min_notional: null,
  maker_fee: 0.001,
  taker_fee: 0.001,
  listed_at: null,
  delisted_at: null,
  updated_at: T0,
  name: null,
  exchanges: ["binance"],
  markets: 1,
  delisted_markets: 0,
  first_ts: null,
  last_ts: null,
};
const ODD_VALUES: unknown[] = [
  null,
  undefined,
  Number.NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  0.5,
  1.5,
  2 ** 53,
  -0,
  8_640_000_000_001,
  "",
  "x",
  "BTC",
  "btc",
  "BTC/USDT:USDT",
  "perp",
  "long",
  true,
  [],
  ["a"],
  [""],
  {},
];

function mutate(row: Record<string, unknown>, random: () => number): Record<string, unknown> {
  const out = { ...row };
  const names = Object.keys(out);
  const changes = 1 + Math.floor(random() * 2);
  for (let i = 0; i < changes; i++) {
    const pick = random();
    if (pick < 0.05) out["extra"] = 1;
    else if (pick < 0.1) delete out[names[Math.floor(random() * names.length)]!];
    else
      out[names[Math.floor(random() * names.length)]!] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  }
  return out;
}

/** Values a table reads differently from the others (a book side is `bid`/`ask`, not `long`). */
const VALID_OF: Partial<Record<TableName, Record<string, unknown>>> = {
  book_depth: { side: "bid", level: 1, percentage: null, notional: 100 },
  coverage: {
    table_name: "ohlcv_1m",
    day: T0,
    expected: 1440,
    present: 1440,
    missing_minutes: 0,
    sources: ["rest"],
    listed_all_day: true,
    zombie_rows: 0,
  },
};

function validRowOf(table: TableName): Record<string, unknown> {
  const valid = { ...VALID, ...VALID_OF[table] };
  const row = Object.fromEntries(Object.keys(tableDef(table).columns).map((n) => [n, valid[n]]));
  if (!Object.hasOwn(row, "market") && Object.hasOwn(row, "symbol")) row["symbol"] = "BTC/USDT:USDT";
  return row;
}

describe("the fast shape check is zod's verdict", () => {
  it.each(TABLE_NAMES)("agrees with ROW_SCHEMAS.%s on 20,000 mutated rows", (table) => {
    const random = makeRandom(table.length * 7919);
    const fast = buildFastShapeCheck(table);
    const base = validRowOf(table);
    expect(ROW_SCHEMAS[table].safeParse(base).success).toBe(true);
    expect(fast(base)).toBe(true);
    for (let i = 0; i < 20_000; i++) {
      const row = mutate(base, random);
      const zodOk = ROW_SCHEMAS[table].safeParse(row).success;
      if (fast(row) !== zodOk) expect({ row, fast: !zodOk }).toEqual({ row, fast: zodOk });
    }
  });
});

describe("each rule's SQL form gives the same reason as its JS form", () => {
  const tables: TableName[] = ["ohlcv_1m", "ohlcv_1h", "funding_rates", "liquidations"];
  it.each(tables)("%s", async (table) => {
    const random = makeRandom(42);
    const nowMs = T0 + 10 * 3_600_000;
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      const row = validRowOf(table);
      const price = () => [99, 100, 100.5, 101, 102, 103][Math.floor(random() * 6)]!;
      for (const c of ["open", "high", "low", "close"]) if (c in row) row[c] = price();
      row["ts"] = T0 + Math.floor(random() * 24) * 1_800_000 + (random() < 0.1 ? 17 : 0);
      if (random() < 0.1 && "base" in row) row["base"] = "ETH";
      if (random() < 0.1 && "market" in row) row["market"] = "perp";
      rows.push(row);
    }
    const duck = await openDuckDB({ threads: 1 });
    const cols = Object.entries(tableDef(table).columns);
    const json = JSON.stringify(rows.map((r, i) => ({ ...r, _i: i })));
    await duck.connection.run(
      `CREATE TABLE raw AS SELECT unnest(from_json($json, '${jsonSchemaOf(table)}'), recursive := true)`,
      { json },
    );
    const reader = await duck.connection.runAndReadAll(
      `SELECT _i, ${ruleViolationSql(table)} AS reason FROM (SELECT _i, ${cols
        .map(([n, c]) =>
          c.type === "TIMESTAMP_MS" ? `epoch_ms(CAST(${n} AS BIGINT))::TIMESTAMP_MS AS ${n}` : `${n}`,
        )
        .join(", ")} FROM raw) ORDER BY _i`,
      { now_ms: nowMs },
    );
    duck.close();
    const sqlReasons = reader.getRows().map((r) => r[1] ?? "accepted");
    const jsReasons = rows.map((row) => {
      const { rejected } = validateRows(table, [row], { source: "rest", nowMs });
      return rejected[0]?.reason ?? "accepted";
    });
    expect(new Set(jsReasons).size).toBeGreaterThan(rulesOf(table).length > 3 ? 4 : 1);
    expect(sqlReasons).toEqual(jsReasons);
  });
});

function jsonSchemaOf(table: TableName): string {
  const types = Object.entries(tableDef(table).columns).map(
    ([n, c]) => `"${n}":"${c.type === "TIMESTAMP_MS" ? "BIGINT" : c.type}"`,
  );
  return `[{"_i":"INTEGER",${types.join(",")}}]`;
}
