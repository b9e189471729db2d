import type { ClientRow } from "@cexdata/schema";
import { MARGIN, WIDE_CHART_WIDTH as CHART_WIDTH, wrapSvg } from "./chart-axes.js";
import { createLinearScale } from "./chart-scale.js";
import { escapeHtml } from "./escape-html.js";

/** One day of the candles' series from the `coverage` table, as `token.coverage()` returns it. */
export type TearsheetCoverageDay = Pick<
  ClientRow<"coverage">,
  "day" | "expected" | "present" | "missingMinutes" | "listedAllDay" | "zombieRows" | "sources"
>;

const DAY_MS = 86_400_000;
const STRIP_HEIGHT = 18;

/** What a day's colour says, in the legend's order. */
const STATES = [
  ["complete", "#16a34a", "complete"],
  ["partial", "#f59e0b", "rows missing"],
  ["empty", "#dc2626", "nothing stored"],
  ["unlisted", "#94a3b8", "not listed all day"],
  ["zombie", "#7c3aed", "zero-volume candles after delisting"],
] as const;
type State = (typeof STATES)[number][0];

function stateOf(d: TearsheetCoverageDay): State {
  if (d.zombieRows > 0) return "zombie";
  if (d.expected !== null && d.expected > 0 && d.present === 0) return "empty";
  if ((d.missingMinutes ?? 0) > 0) return "partial";
  if (!d.listedAllDay) return "unlisted";
  return "complete";
}

function describeDay(d: TearsheetCoverageDay): string {
  const of = d.expected === null ? `${d.present} rows` : `${d.present} of ${d.expected} due`;
  const missing = d.missingMinutes ? `, ${d.missingMinutes} min missing` : "";
  const zombies = d.zombieRows ? `, ${d.zombieRows} zero-volume candles after delisting` : "";
  const listed = d.listedAllDay ? "" : ", listed part of the day";
  const sources = d.sources.length ? `; from ${d.sources.join(", ")}` : "";
  return `${d.day.toISOString().slice(0, 10)}: ${of}${missing}${zombies}${listed}${sources}`;
}

/**
 * A strip under the candles, on the same time scale: one cell per UTC day of the `coverage` table,
 * coloured by what is stored (complete, rows missing, nothing, not listed all day, zero-volume
 * candles after a delisting), each with its counts as a tooltip. Days without a coverage row are
 * left blank: nobody counted them.
 */
export function renderCoverageStrip(
  days: readonly TearsheetCoverageDay[],
  domain: readonly [number, number],
): string {
  const height = STRIP_HEIGHT + 4;
  const x = createLinearScale([domain[0], domain[1]], [MARGIN.left, CHART_WIDTH - MARGIN.right]);
  const cells = days
    .filter((d) => d.day.getTime() + DAY_MS > domain[0] && d.day.getTime() < domain[1])
    .map((d) => {
      const left = x(Math.max(domain[0], d.day.getTime()));
      const right = x(Math.min(domain[1], d.day.getTime() + DAY_MS));
      const state = stateOf(d);
      const color = STATES.find((s) => s[0] === state)![1];
      return (
        `<rect class="coverage-day ${state}" x="${left.toFixed(2)}" y="2" width="${Math.max(0.5, right - left).toFixed(2)}" ` +
        `height="${STRIP_HEIGHT}" fill="${color}"><title>${escapeHtml(describeDay(d))}</title></rect>`
      );
    });
  const legend = STATES.map(
    ([, color, text]) => `<span class="key"><i style="background:${color}"></i>${escapeHtml(text)}</span>`,
  ).join("");
  return (
    `<figure class="panel coverage"><figcaption>Coverage per UTC day<span class="legend">${legend}</span></figcaption>` +
    `${wrapSvg(CHART_WIDTH, height, cells.join(""), "coverage per day", "chart coverage")}</figure>`
  );
}
