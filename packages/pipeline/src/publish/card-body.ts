import {
  cadenceMsOf,
  TABLES,
  tableDef,
  type DatasetSpec,
  type SpecTable,
  type TableName,
} from "@cexdata/schema";
import type { CoverageSummary } from "./coverage-summary.js";

import { TABLE_SOURCES } from "./table-sources.js";

const MAX_GAPS_LISTED = 50;

/** The human part of the dataset card: tables, columns, sources, schedule, gaps, how to read it. */
export function renderCardBody(p: {
  spec: DatasetSpec;
  repo: string;
  tables: readonly TableName[];
  rows: number;
  coverage: readonly CoverageSummary[];
}): string {
  const { spec, repo, tables } = p;
  const sample: TableName = tables.includes("ohlcv_1d") ? "ohlcv_1d" : (tables[0] ?? "ohlcv_1d");
  return [
    "# cexdata: crypto exchange market data",
    "",
    "Free, versioned, query-ready market data from centralised crypto exchanges (Binance, OKX, Bybit, " +
      "Coinbase): spot and perpetual candles, funding rates, open interest, liquidations, mark, index and " +
      "premium-index candles and long/short ratios, " +
      "validated row by row and stored as partitioned Parquet.",
    "",
    `- version **${spec.version}**, updated ${spec.update_time}, schema ${spec.schema_version ?? "1.0"}`,
    `- ${tables.length} tables, ${p.rows.toLocaleString("en-US")} rows`,
    "- `spec.json` lists every file with its row count, size, sha256 and time range; each version is one " +
      "commit, so a commit id pins an exact, reproducible dataset.",
    "",
    "## Tables",
    "",
    ...tables.flatMap((t) => renderTable(t, spec.tables[t])),
    "## Sources and terms",
    "",
    "Every row comes from the exchanges' free public market-data endpoints, through [ccxt](https://github.com/ccxt/ccxt): " +
      "Binance (REST and the public archive at [data.binance.vision](https://data.binance.vision), each file checked " +
      "against its published checksum), OKX, Bybit and Coinbase. No account data, no private endpoints. The data " +
      "remains subject to each exchange's terms of use for public market data; check them before commercial use. " +
      "The `exchange` and `symbol` columns of every row say where it came from.",
    "",
    "## Update schedule",
    "",
    "A scheduled job fetches the newest closed candles and events every day and publishes them as one commit " +
      "(a failed run leaves the previous version in place). Only closed candles are stored: never the one still " +
      "forming. Rows that fail validation (non-finite or non-positive prices, high below low, misaligned " +
      "timestamps, conflicting duplicates) are quarantined and never published.",
    "",
    "## Coverage",
    "",
    ...renderCoverage(p.coverage),
    "## Known gaps",
    "",
    ...renderGaps(spec, tables),
    "## How to read it",
    "",
    "TypeScript, with [@cexdata/client](https://www.npmjs.com/package/@cexdata/client) (downloads only the files a " +
      "query needs, checks their sha256, caches them):",
    "",
    "```ts",
    'import { Token } from "@cexdata/client";',
    'const candles = await new Token("BTC").ohlcv({ interval: "1d" });',
    "```",
    "",
    "DuckDB, straight from the Hub:",
    "",
    "```sql",
    `SELECT * FROM read_parquet('hf://datasets/${repo}/data/${sample}/**/*.parquet', hive_partitioning = false)`,
    "WHERE base = 'BTC' ORDER BY ts;",
    "```",
    "",
    "Python:",
    "",
    "```python",
    "from datasets import load_dataset",
    `ds = load_dataset("${repo}", "${sample}", split="train")`,
    "",
    "df = ds.to_pandas()  # pandas",
    "",
    "import polars as pl",
    `lf = pl.scan_parquet("hf://datasets/${repo}/data/${sample}/**/*.parquet", hive_partitioning=False)`,
    "```",
    "",
    "Pin a version for reproducible research: pass a commit id as `revision` (Python, @cexdata/client) or " +
      "use `hf://datasets/<repo>@<commit>/...` (DuckDB).",
    "",
  ].join("\n");
}

function renderTable(name: TableName, table: SpecTable | undefined): string[] {
  const def = tableDef(name);
  const files = table?.files ?? [];
  const rows = files.reduce((n, f) => n + f.rows, 0);
  const starts = files
    .map((f) => f.min_ts)
    .filter((t): t is string => t !== null)
    .sort();
  const ends = files
    .map((f) => f.max_ts)
    .filter((t): t is string => t !== null)
    .sort();
  const span = starts[0] && ends.at(-1) ? `, from ${starts[0]} to ${ends.at(-1)}` : "";
  const rule = TABLES[name].partition;
  const period = rule.period === "month" ? "<YYYY-MM>" : rule.period === "year" ? "<YYYY>" : "all";
  const folder = rule.byBase ? `data/${name}/base=<BASE>` : `data/${name}`;
  const layout = !rule.compactClosedYears
    ? `${folder}/${period}.parquet`
    : rule.period === "month"
      ? `${folder}/<YYYY-MM>.parquet\` while the year is open, \`${folder}/<YYYY>.parquet\` once it has closed`
      : `${folder}/<YYYY>.parquet\` while the year is open, \`${folder}/all.parquet\` (every closed year) once it has closed`;
  return [
    `### \`${name}\``,
    "",
    def.doc,
    "",
    ...renderSources(name),
    `${files.length} files, ${rows.toLocaleString("en-US")} rows${span}. Files: \`${layout}\`. ` +
      `One row per (${def.key.map((k) => `\`${k}\``).join(", ")}); files sorted by it.`,
    "",
    "| column | type | nullable | meaning |",
    "| --- | --- | --- | --- |",
    ...Object.entries(def.columns).map(
      ([col, c]) =>
        `| \`${col}\` | ${c.type} | ${c.nullable ? "yes" : "no"} | ${c.doc.replaceAll("|", "\\|")} |`,
    ),
    "",
  ];
}

function renderSources(name: TableName): string[] {
  const entry = TABLE_SOURCES[name];
  if (!entry) return [];
  return [
    "Sources:",
    "",
    ...entry.sources.map((s) => `- ${s}`),
    ...(entry.restOnly ? [`- **${entry.restOnly}**`] : []),
    "",
  ];
}

function renderGaps(spec: DatasetSpec, tables: readonly TableName[]): string[] {
  const lines: string[] = [];
  let total = 0;
  for (const name of tables) {
    for (const g of spec.tables[name]?.gaps ?? []) {
      total++;
      if (total <= MAX_GAPS_LISTED) {
        const market = g.market ? ` ${g.market}` : "";
        // A table without a cadence cannot count the events a stretch held: its `missing` is hours.
        const unit = cadenceMsOf(name) === undefined ? " hours" : "";
        lines.push(
          `- \`${name}\` ${g.exchange}${market} ${g.symbol}: ${g.start} to ${g.end}, ${g.missing}${unit} missing`,
        );
      }
    }
  }
  const intro =
    "Stretches the exchanges never served (outages, delistings), or no longer kept when asked, are listed in " +
    "`spec.json` (`tables.<table>.gaps`), " +
    "never filled with invented rows. Liquidations exist only while a collector was listening: " +
    "`tables.liquidations.coverage` says when.";
  if (total === 0) return [intro, "", "No gaps are known in this version.", ""];
  const more = total > MAX_GAPS_LISTED ? [`- … and ${total - MAX_GAPS_LISTED} more in spec.json`] : [];
  return [intro, "", ...lines, ...more, ""];
}

const percent = (x: number) => `${(Math.floor(x * 10_000) / 100).toFixed(2)} %`;

/**
 * The `coverage` table summed per table and exchange: how complete each is while its markets were
 * listed, days a market was listed only part of, and zero-volume candles printed after delistings.
 */
function renderCoverage(summary: readonly CoverageSummary[]): string[] {
  const intro =
    "The `coverage` table holds, per series and UTC day, the rows due while the market was listed, the rows " +
    "stored, the minutes missing, where they came from and whether the market was listed all day; it is " +
    "derived from the stored rows by every run that touched the day. Delisted markets keep their rows in " +
    "`exchange_info` (`active = false`, `delisted_at`) and their history here: no survivorship bias. " +
    "`book_depth` outside Binance is one snapshot per scheduled run: sparse by design.";
  if (summary.length === 0) return [intro, "", "No coverage is recorded in this version.", ""];
  return [
    intro,
    "",
    "| table | exchange | series | days | complete while listed | minutes missing | days partly listed | zero-volume candles after delisting |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...summary.map(
      (s) =>
        `| \`${s.table}\` | ${s.exchange} | ${s.series} | ${s.days} (${s.firstDay} to ${s.lastDay}) | ` +
        `${s.complete === null ? "events" : percent(s.complete)} | ${s.missingMinutes ?? "-"} | ${s.partialDays} | ${s.zombieRows} |`,
    ),
    "",
  ];
}
