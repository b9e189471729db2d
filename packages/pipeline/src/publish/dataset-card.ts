import { TABLE_NAMES, TABLES, type DatasetSpec, type TableName } from "@cexdata/schema";
import { renderCardBody } from "./card-body.js";
import type { CoverageSummary } from "./coverage-summary.js";

export interface DatasetCardParams {
  readonly spec: DatasetSpec;
  /** `<org>/<name>` on the Hub, used in the reading examples. */
  readonly repo: string;
  /** Market data stays under its sources' terms, which we cannot relicense: `other` by default. */
  readonly license?: string;
  /** The `coverage` table summed per table and exchange (`summarizeCoverage`), for its section. */
  readonly coverage?: readonly CoverageSummary[];
}

/** Tables the card (and the Hub's viewer) can open: those with at least one file. */
export function tablesWithFiles(spec: DatasetSpec): TableName[] {
  return TABLE_NAMES.filter((name) => (spec.tables[name]?.files.length ?? 0) > 0);
}

/**
 * The `data_files` glob of a table. Exact per partition rule rather than `data/<table>/**`, so that
 * fsspec's and DuckDB's differing readings of `**` (zero or more directories) cannot matter.
 */
export function tableGlob(table: TableName): string {
  return TABLES[table].partition.byBase ? `data/${table}/base=*/*.parquet` : `data/${table}/*.parquet`;
}

/**
 * README.md for the Hub: YAML front matter (one `configs` entry per table, so the viewer and
 * `datasets.load_dataset(repo, table)` open each table) and a description derived from
 * @cexdata/schema and spec.json. Deterministic: the same spec gives the same bytes.
 */
export function renderDatasetCard(params: DatasetCardParams): string {
  const { spec, repo } = params;
  const tables = tablesWithFiles(spec);
  const rows = tables.reduce((n, t) => n + (spec.tables[t]?.files.reduce((m, f) => m + f.rows, 0) ?? 0), 0);
  const defaultTable: TableName | undefined = tables.includes("ohlcv_1d") ? "ohlcv_1d" : tables[0];
  const yaml: string[] = [
    "---",
    `pretty_name: ${q("cexdata: crypto exchange market data")}`,
    `license: ${q(params.license ?? "other")}`,
    ...(params.license === undefined ? [`license_name: ${q("exchange-public-market-data")}`] : []),
    "task_categories:",
    "  - time-series-forecasting",
    "tags:",
    ...["finance", "crypto", "cryptocurrency", "market-data", "ohlcv", "time-series", "parquet"].map(
      (t) => `  - ${t}`,
    ),
    "size_categories:",
    `  - ${q(sizeCategory(rows))}`,
    "configs:",
    ...tables.flatMap((t) => [
      `  - config_name: ${t}`,
      ...(t === defaultTable ? ["    default: true"] : []),
      "    data_files:",
      "      - split: train",
      `        path: ${q(tableGlob(t))}`,
    ]),
    "---",
    "",
  ];
  return yaml.join("\n") + renderCardBody({ spec, repo, tables, rows, coverage: params.coverage ?? [] });
}

/** A YAML double-quoted scalar (JSON strings are valid ones). */
function q(text: string): string {
  return JSON.stringify(text);
}

/** The Hub's size buckets. */
function sizeCategory(rows: number): string {
  const buckets: [number, string][] = [
    [1e3, "n<1K"],
    [1e4, "1K<n<10K"],
    [1e5, "10K<n<100K"],
    [1e6, "100K<n<1M"],
    [1e7, "1M<n<10M"],
    [1e8, "10M<n<100M"],
    [1e9, "100M<n<1B"],
    [1e10, "1B<n<10B"],
  ];
  return buckets.find(([limit]) => rows < limit)?.[1] ?? "n>1T";
}
