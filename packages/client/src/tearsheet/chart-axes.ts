import { computeNiceTicks, formatTimeTick, type LinearScale } from "./chart-scale.js";
import { escapeHtml } from "./escape-html.js";

/** viewBox widths: the full-width price chart, and the half-width panels (so their text stays legible). */
export const WIDE_CHART_WIDTH = 960;
export const CHART_WIDTH = 520;
export const MARGIN = { left: 68, right: 16, top: 10, bottom: 24 } as const;

/** Horizontal grid lines with value labels on the left. */
export function renderYAxis(y: LinearScale, format: (v: number) => string, width: number, count = 4): string {
  const [lo, hi] = y.domain;
  return computeNiceTicks(Math.min(lo, hi), Math.max(lo, hi), count)
    .map((v) => {
      const py = y(v).toFixed(1);
      return (
        `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${py}" y2="${py}"/>` +
        `<text class="tick" x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeHtml(format(v))}</text>`
      );
    })
    .join("");
}

/** Time labels along the bottom, about six of them, evenly spaced in time. */
export function renderTimeAxis(x: LinearScale, height: number, count = 4): string {
  const [t0, t1] = x.domain;
  if (t1 <= t0) return "";
  const labels: string[] = [];
  for (let i = 0; i <= count; i++) {
    const t = t0 + ((t1 - t0) * i) / count;
    const anchor = i === 0 ? "start" : i === count ? "end" : "middle";
    labels.push(
      `<text class="tick" x="${x(t).toFixed(1)}" y="${height - 6}" text-anchor="${anchor}">${escapeHtml(formatTimeTick(t, t1 - t0))}</text>`,
    );
  }
  return labels.join("");
}

/** An `<svg>` element sized by its viewBox, so it scales with the page. */
export function wrapSvg(
  width: number,
  height: number,
  body: string,
  label: string,
  className = "chart",
): string {
  return (
    `<svg class="${className}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" ` +
    `xmlns="http://www.w3.org/2000/svg">${body}</svg>`
  );
}
