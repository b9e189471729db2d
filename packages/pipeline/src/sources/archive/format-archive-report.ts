import type { ArchiveBackfillResult } from "./backfill-from-archive.js";

const iso = (ms: number): string =>
  new Date(ms).toISOString().replace(":00.000Z", "Z").replace("T00:00Z", "");

/**
 * The run report's section for one archive backfill: which source filled which range, what the
 * archive refused and why, what is still missing. Plain lines, for the report file and the log.
 */
export function formatArchiveReport(result: ArchiveBackfillResult): string[] {
  const head = `${result.table} binance ${result.market} ${result.symbol}`;
  const refused = Object.entries(result.rejectedByReason).map(([k, v]) => `${k} ${v}`);
  const lines = [
    `${head}: archive rows read ${result.fetched}, accepted ${result.accepted}` +
      (refused.length ? `, quarantined ${refused.join(", ")}` : ""),
  ];
  for (const r of result.ranges) {
    const what = r.source === "missing" ? "MISSING (listed in spec.json gaps)" : `${r.source} ${r.rows} rows`;
    lines.push(`  ${iso(r.startMs)} .. ${iso(r.endMs)}  ${what}${r.detail ? `  ${r.detail}` : ""}`);
  }
  for (const l of result.leftForRest.filter((x) => x.reason !== "not_in_archive")) {
    lines.push(`  archive ${l.reason}: ${l.file ?? ""} ${l.detail ?? ""}`.trimEnd());
  }
  return lines;
}
