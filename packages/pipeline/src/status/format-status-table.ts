import type { FreshnessStatus } from "./assess-freshness.js";

/** `1d 2h`, `3h 5m`, `42m`, `10s`: an age for people. */
function formatAge(ms: number | null): string {
  if (ms === null) return "-";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)}s`;
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d}d ${h}h`;
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

const shortTime = (iso: string | null) => (iso === null ? "-" : iso.replace(/:\d\d(\.\d+)?Z$/, "Z"));

/** The status as an aligned text table, one line per table and exchange, blocked ones with their remedy. */
export function formatStatusTable(entries: readonly FreshnessStatus[]): string {
  const header = ["TABLE", "EXCHANGE", "LAST SUCCESS", "NEWEST TS", "AGE", "STATE"];
  const rows = entries.map((e) => [
    e.table,
    e.exchange,
    shortTime(e.lastSuccessAt),
    shortTime(e.newestTs),
    formatAge(e.ageMs),
    e.blocked ? `blocked by ${e.blocked.host} since ${shortTime(e.blocked.since)}` : e.state,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const remedies = [
    ...new Set(entries.flatMap((e) => (e.blocked ? [`${e.exchange}: ${e.blocked.remedy}`] : []))),
  ];
  return [line(header), ...rows.map(line), ...remedies.map((r) => `remedy for ${r}`)].join("\n") + "\n";
}
