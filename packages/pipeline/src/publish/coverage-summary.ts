import path from "node:path";
import { cadenceMsOf, isTableName, type DatasetSpec, type TableName } from "@cexdata/schema";
import { openDuckDB, quoteSqlString } from "../store/index.js";

/** Coverage of one table on one exchange, over every stored day: what the dataset card shows. */
export interface CoverageSummary {
  readonly table: TableName;
  readonly exchange: string;
  readonly series: number;
  readonly days: number;
  readonly firstDay: string;
  readonly lastDay: string;
  /** Share of the slots due while listed that are stored; null for event tables (no slots). */
  readonly complete: number | null;
  readonly missingMinutes: number | null;
  /** Days a market was listed only part of (listings, delistings). */
  readonly partialDays: number;
  /** Zero-volume candles an exchange printed after a delisting. */
  readonly zombieRows: number;
}

/** Sums the dataset's `coverage` table per (table, exchange), from the files of `dir`'s spec.json. */
export async function summarizeCoverage(dir: string, spec: DatasetSpec): Promise<CoverageSummary[]> {
  const files = (spec.tables.coverage?.files ?? []).filter((f) => f.rows > 0);
  if (files.length === 0) return [];
  const duck = await openDuckDB({ threads: 1 });
  try {
    const list = files.map((f) => quoteSqlString(path.join(dir, f.path))).join(", ");
    const reader = await duck.connection.runAndReadAll(
      `SELECT table_name, exchange, count(DISTINCT market || symbol)::DOUBLE, count(*)::DOUBLE,
         strftime(min(day), '%Y-%m-%d'), strftime(max(day), '%Y-%m-%d'),
         sum(expected)::DOUBLE, sum(missing_minutes)::DOUBLE,
         (count(*) FILTER (WHERE NOT listed_all_day))::DOUBLE, sum(zombie_rows)::DOUBLE
       FROM read_parquet([${list}]) GROUP BY table_name, exchange ORDER BY table_name, exchange`,
    );
    return reader
      .getRows()
      .flatMap(([table, exchange, series, days, first, last, expected, missing, partial, zombies]) => {
        const name = String(table);
        if (!isTableName(name)) return [];
        const step = cadenceMsOf(name);
        const dueMinutes =
          typeof expected === "number" && step !== undefined ? (expected * step) / 60_000 : null;
        const missingMinutes = typeof missing === "number" ? missing : null;
        return [
          {
            table: name,
            exchange: String(exchange),
            series: Number(series),
            days: Number(days),
            firstDay: String(first),
            lastDay: String(last),
            complete:
              dueMinutes === null || missingMinutes === null || dueMinutes === 0
                ? null
                : 1 - missingMinutes / dueMinutes,
            missingMinutes,
            partialDays: Number(partial),
            zombieRows: Number(zombies ?? 0),
          },
        ];
      });
  } finally {
    duck.close();
  }
}
