import { el, getJson, table } from "./api.js";
import { drawHistogram, makeChart } from "./charts.js";

interface Status {
  source: string;
  version: number;
  updateTime: string;
  freshness: {
    table: string;
    exchange: string;
    lastSuccessAt?: string;
    newestTs?: string;
    blocked?: { host: string };
  }[];
  tables: {
    table: string;
    files: number;
    rows: number;
    bytes: number;
    gaps: number;
    coverageWindows: number;
    newestTs: string | null;
  }[];
  gaps: Record<string, unknown>[];
  coverage: { table: string; exchange: string; start: string; end: string }[];
  runs: {
    runId: string;
    command: string;
    finishedAt: string;
    ok: boolean;
    failures: number;
    gaps: number;
    quarantined: number;
  }[];
  quarantine: { file: string; rows: number }[];
}

const ago = (iso: string | undefined) => {
  if (!iso) return "never";
  const hours = (Date.now() - Date.parse(iso)) / 3_600_000;
  return hours < 48 ? `${hours.toFixed(1)} h ago` : `${(hours / 24).toFixed(1)} d ago`;
};

/** Data health: version, freshness per table and exchange, rows per table, runs, gaps, coverage, quarantine. */
export async function renderHealth(root: HTMLElement): Promise<void> {
  const s = await getJson<Status>("/v1/status");
  root.append(
    el("h1", {}, "Data health"),
    el("p", { class: "note" }, `${s.source} · version ${s.version} · updated ${s.updateTime}`),
    el("h2", {}, "rows per table"),
  );
  const chartEl = el("div", { class: "chart small", "data-chart": "rows-per-table" });
  root.append(chartEl);
  // A histogram needs a time axis: one fake day per table, labelled in the table below.
  drawHistogram(
    makeChart(chartEl),
    chartEl,
    s.tables.map((t, i) => ({ time: 86_400 * (i + 1), value: t.rows, color: "#0969da" })),
  );
  root.append(
    table(
      ["#", "table", "files", "rows", "newest", "gaps", "coverage windows"],
      s.tables.map((t, i) => [
        String(i + 1),
        t.table,
        t.files,
        t.rows,
        t.newestTs ?? "-",
        t.gaps,
        t.coverageWindows,
      ]),
    ),
    el("h2", {}, "freshness per table and exchange"),
    table(
      ["table", "exchange", "last success", "newest row", "blocked"],
      s.freshness.map((f) => [
        f.table,
        f.exchange,
        ago(f.lastSuccessAt),
        f.newestTs ?? "-",
        f.blocked?.host ?? "",
      ]),
    ),
    el("h2", {}, "runs"),
    table(
      ["run", "command", "finished", "ok", "failures", "gaps", "quarantined"],
      s.runs.map((r) => [
        r.runId,
        r.command,
        r.finishedAt,
        r.ok ? "yes" : "NO",
        r.failures,
        r.gaps,
        r.quarantined,
      ]),
    ),
    el("h2", {}, `gaps (${s.gaps.length})`),
    table(
      ["table", "exchange", "symbol", "start", "end"],
      s.gaps
        .slice(0, 50)
        .map((g) => [
          String(g.table),
          String(g.exchange ?? ""),
          String(g.symbol ?? ""),
          String(g.start ?? ""),
          String(g.end ?? ""),
        ]),
    ),
    el("h2", {}, "liquidation coverage"),
    table(
      ["exchange", "start", "end"],
      s.coverage.slice(0, 50).map((c) => [c.exchange, c.start, c.end]),
    ),
    el("h2", {}, "quarantine"),
    table(
      ["file", "rows"],
      s.quarantine.map((q) => [q.file, q.rows]),
    ),
  );
}
