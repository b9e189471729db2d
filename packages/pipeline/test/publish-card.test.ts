import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { TABLES, type DatasetSpec } from "@cexdata/schema";
import { renderDatasetCard } from "../src/publish/index.js";
import { makeTempDir, writeTestDataset, type CandleFile } from "./publish-fixture.js";

const REPO = "cexdata/market-data";
const FILES: CandleFile[] = [
  { table: "ohlcv_1d", base: "BTC", start: "2024-01-01T00:00:00Z", count: 5, price: 40_000 },
  { table: "ohlcv_1d", base: "ETH", start: "2024-01-01T00:00:00Z", count: 5, price: 2_000 },
  { table: "ohlcv_1h", base: "BTC", start: "2023-12-31T20:00:00Z", count: 3, price: 41_000 },
];
const GAP = {
  exchange: "okx",
  symbol: "BTC/USDT",
  market: "spot",
  start: "2024-01-02T00:00:00.000Z",
  end: "2024-01-03T00:00:00.000Z",
  missing: 1,
};

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let spec: DatasetSpec;
beforeEach(async () => {
  tmp = await makeTempDir("card");
  spec = await writeTestDataset(tmp.dir, { version: 4, files: FILES, gaps: [GAP] });
});
afterEach(() => tmp.remove());

/** Front matter as the Hub reads it: the YAML between the first two `---` lines. */
function frontMatter(card: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(card);
  expect(m, "card starts with YAML front matter").not.toBeNull();
  return parseYaml(m![1]!) as Record<string, unknown>;
}

/** fsspec-style glob: `*` stays within one path segment. */
function globMatches(glob: string, file: string): boolean {
  const re = glob
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  return new RegExp(`^${re}$`).test(file);
}

it("front matter has one config per table whose data_files glob matches exactly that table's files", () => {
  const card = renderDatasetCard({ spec, repo: REPO });
  const meta = frontMatter(card);
  const configs = meta.configs as {
    config_name: string;
    default?: boolean;
    data_files: { split: string; path: string }[];
  }[];
  expect(configs.map((c) => c.config_name)).toEqual(["ohlcv_1h", "ohlcv_1d"]);
  expect(configs.find((c) => c.default)?.config_name).toBe("ohlcv_1d");

  const allPaths = Object.values(spec.tables).flatMap((t) => t?.files.map((f) => f.path) ?? []);
  for (const config of configs) {
    const [dataFiles] = config.data_files;
    expect(dataFiles?.split).toBe("train");
    const matched = allPaths.filter((p) => globMatches(dataFiles!.path, p));
    const expected = spec.tables[config.config_name as keyof DatasetSpec["tables"]]!.files.map((f) => f.path);
    expect(matched.sort()).toEqual(expected.sort());
  }
  expect(meta.license).toBe("other");
  expect(meta.pretty_name).toMatch(/cexdata/);
  expect(meta.tags).toContain("crypto");
});

it("describes every column from the schema, the gaps, the sources and how to read it", () => {
  const card = renderDatasetCard({ spec, repo: REPO });
  for (const [name, col] of Object.entries(TABLES.ohlcv_1d.columns)) {
    expect(card).toContain(`| \`${name}\` | ${col.type} |`);
    expect(card).toContain(col.doc);
  }
  expect(card).toContain(TABLES.ohlcv_1h.doc);
  expect(card).not.toContain("### `funding_rates`");
  expect(card).toContain(
    "okx spot BTC/USDT: 2024-01-02T00:00:00.000Z to 2024-01-03T00:00:00.000Z, 1 missing",
  );
  expect(card).toContain("data.binance.vision");
  expect(card).toContain('new Token("BTC").ohlcv(');
  expect(card).toContain(`hf://datasets/${REPO}/data/ohlcv_1d/**/*.parquet`);
  expect(card).toContain(`load_dataset("${REPO}", "ohlcv_1d"`);
  expect(card).toContain("version **4**");
});

it("is deterministic: the same spec gives the same bytes", async () => {
  const again = JSON.parse(await readFile(path.join(tmp.dir, "spec.json"), "utf8")) as DatasetSpec;
  expect(renderDatasetCard({ spec: again, repo: REPO })).toBe(renderDatasetCard({ spec, repo: REPO }));
});

it("says a liquidation gap's missing are hours: how many events it held is unknown", () => {
  // The card lists tables that have files; one borrowed file is enough to render its gaps.
  const liquidations = {
    columns: [],
    files: spec.tables.ohlcv_1d!.files.slice(0, 1),
    gaps: [{ ...GAP, market: "perp", symbol: "BTC/USDT:USDT", missing: 25 }],
  };
  const card = renderDatasetCard({ spec: { ...spec, tables: { ...spec.tables, liquidations } }, repo: REPO });
  expect(card).toContain(
    "`liquidations` okx perp BTC/USDT:USDT: 2024-01-02T00:00:00.000Z to 2024-01-03T00:00:00.000Z, 25 hours missing",
  );
});

it("documents each derivatives table's sources, how far back each exchange goes, and REST-only history", () => {
  const borrowed = { columns: [], files: spec.tables.ohlcv_1d!.files.slice(0, 1) };
  const card = renderDatasetCard({
    spec: {
      ...spec,
      schema_version: "1.1",
      tables: {
        ...spec.tables,
        long_short_ratios: borrowed,
        premium_index_ohlcv_1h: borrowed,
        mark_ohlcv_1h: borrowed,
        funding_predictions: borrowed,
      },
    },
    repo: REPO,
  });
  for (const name of [
    "long_short_ratios",
    "premium_index_ohlcv_1h",
    "mark_ohlcv_1h",
    "funding_predictions",
  ] as const) {
    expect(card).toContain(`### \`${name}\``);
    expect(card).toContain(TABLES[name].doc);
  }
  expect(card).toContain("schema 1.1");
  expect(card).toContain("for the last 30 days; older days from the archive's daily `metrics` files");
  expect(card).toContain("the latest 1,440 hours (60 days)");
  expect(card).toContain("REST-only history, only a scheduled run keeps it");
  expect(card).toContain("`markPriceKlines` daily and monthly files");
  // Predictions are kept by no exchange: where each reading comes from, and that only a run keeps it.
  expect(card).toContain(
    "`/fapi/v1/premiumIndex` (`lastFundingRate` is the rate predicted for `nextFundingTime`",
  );
  expect(card).toContain("No exchange serves past predictions");
  // Candles say where their taker-buy volumes come from.
  expect(card).toContain("`taker_buy_volume`, `taker_buy_quote_volume`: Binance klines");
});
