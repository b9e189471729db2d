import { CHART_WIDTH, MARGIN, renderTimeAxis, renderYAxis, wrapSvg } from "./chart-axes.js";
import { computeExtent, createLinearScale, type LinearScale } from "./chart-scale.js";
import { escapeHtml } from "./escape-html.js";

export interface ChartPoint {
  readonly ts: Date;
  readonly value: number | null;
}

export interface LineSeries {
  readonly label: string;
  readonly points: readonly ChartPoint[];
  readonly color: string;
  /** Shade the area between the line and zero (drawdown, funding). */
  readonly fillToZero?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly LineSeries[];
  readonly format: (value: number) => string;
  readonly height?: number;
  /** Always include zero in the value axis, and draw it. */
  readonly zeroLine?: boolean;
  /** Points to mark with a dot (anomalies). */
  readonly markers?: readonly { ts: Date; value: number; label: string }[];
}

/** SVG path of a series; a `null` value lifts the pen, so gaps in the data stay visible. */
export function buildLinePath(points: readonly ChartPoint[], x: LinearScale, y: LinearScale): string {
  let d = "";
  let penDown = false;
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) {
      penDown = false;
      continue;
    }
    d += `${penDown ? "L" : "M"}${x(p.ts.getTime()).toFixed(1)},${y(p.value).toFixed(1)}`;
    penDown = true;
  }
  return d;
}

function buildAreaPath(points: readonly ChartPoint[], x: LinearScale, y: LinearScale): string {
  const defined = points.filter(
    (p): p is ChartPoint & { value: number } => p.value !== null && Number.isFinite(p.value),
  );
  const first = defined[0];
  const last = defined.at(-1);
  if (first === undefined || last === undefined) return "";
  const zero = y(0).toFixed(1);
  const line = defined.map((p) => `L${x(p.ts.getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join("");
  return `M${x(first.ts.getTime()).toFixed(1)},${zero}${line}L${x(last.ts.getTime()).toFixed(1)},${zero}Z`;
}

/** A time-series line chart with a legend, value grid and time axis, as one `<svg>` string. */
export function renderLineChart(options: LineChartOptions): string {
  const height = options.height ?? 180;
  const all = options.series.flatMap((s) => s.points);
  const times = all.map((p) => p.ts.getTime());
  // reduce, not Math.min(...times): a spread of 100k points overflows the call stack.
  const t0 = times.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const t1 = times.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const x = createLinearScale([t0, t1], [MARGIN.left, CHART_WIDTH - MARGIN.right]);
  const values = all.map((p) => p.value);
  const [lo, hi] = computeExtent(options.zeroLine ? [...values, 0] : values);
  const y = createLinearScale([lo, hi], [height - MARGIN.bottom, MARGIN.top]);
  const body: string[] = [renderYAxis(y, options.format, CHART_WIDTH), renderTimeAxis(x, height)];
  if (options.zeroLine) {
    const y0 = y(0).toFixed(1);
    body.push(
      `<line class="zero" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${y0}" y2="${y0}"/>`,
    );
  }
  for (const s of options.series) {
    if (s.fillToZero) {
      body.push(
        `<path class="area" d="${buildAreaPath(s.points, x, y)}" fill="${s.color}" fill-opacity="0.18"/>`,
      );
    }
    const label = escapeHtml(s.label);
    body.push(
      `<path class="line" data-series="${label}" d="${buildLinePath(s.points, x, y)}" stroke="${s.color}"/>`,
    );
  }
  for (const m of options.markers ?? []) {
    body.push(
      `<circle class="marker" cx="${x(m.ts.getTime()).toFixed(1)}" cy="${y(m.value).toFixed(1)}" r="4">` +
        `<title>${escapeHtml(m.label)}</title></circle>`,
    );
  }
  const legend = options.series
    .map((s) => `<span class="key"><i style="background:${s.color}"></i>${escapeHtml(s.label)}</span>`)
    .join("");
  return (
    `<figure class="panel"><figcaption>${escapeHtml(options.title)}<span class="legend">${legend}</span></figcaption>` +
    `${wrapSvg(CHART_WIDTH, height, body.join(""), options.title)}</figure>`
  );
}
