import type { CandleFields } from "../analytics/index.js";
import {
  MARGIN,
  WIDE_CHART_WIDTH as CHART_WIDTH,
  renderTimeAxis,
  renderYAxis,
  wrapSvg,
} from "./chart-axes.js";
import { computeExtent, createLinearScale, formatCompact } from "./chart-scale.js";
import { escapeHtml } from "./escape-html.js";

export const UP_COLOR = "#16a34a";
export const DOWN_COLOR = "#dc2626";

const PRICE_HEIGHT = 300;
const VOLUME_HEIGHT = 80;
const GAP = 8;

/** The usual spacing of the candles (smallest positive step), so a gap in the data shows as a gap. */
function computeStepMs(candles: readonly CandleFields[]): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < candles.length; i++) {
    const d = (candles[i] as CandleFields).ts.getTime() - (candles[i - 1] as CandleFields).ts.getTime();
    if (d > 0) step = Math.min(step, d);
  }
  return Number.isFinite(step) ? step : 86_400_000;
}

function describeCandle(c: CandleFields): string {
  const p = (v: number) => formatCompact(v);
  return `${c.ts.toISOString().slice(0, 16).replace("T", " ")} O ${p(c.open)} H ${p(c.high)} L ${p(c.low)} C ${p(c.close)} V ${p(c.volume)}`;
}

/** The time span the candle chart draws: first open to last close (a strip below shares it). */
export function candleDomain(candles: readonly CandleFields[]): [number, number] {
  const step = computeStepMs(candles);
  return [candles[0]?.ts.getTime() ?? 0, (candles.at(-1)?.ts.getTime() ?? 0) + step];
}

/**
 * Candlestick chart with a volume pane beneath, one `<svg>`: one `rect.candle` (body) and one
 * `line.wick` per candle, one `rect.volume` per candle; green when close >= open, red otherwise.
 * Time runs left to right on a time scale, so missing candles leave a visible hole.
 */
export function renderCandlestickChart(candles: readonly CandleFields[], title: string): string {
  const height = PRICE_HEIGHT + GAP + VOLUME_HEIGHT + MARGIN.bottom;
  const step = computeStepMs(candles);
  const [first, last] = candleDomain(candles);
  const x = createLinearScale([first, last], [MARGIN.left, CHART_WIDTH - MARGIN.right]);
  const slot = x(first + step) - x(first);
  const bodyWidth = Math.max(0.6, slot * 0.7);
  const [lo, hi] = computeExtent(candles.flatMap((c) => [c.low, c.high]));
  const y = createLinearScale([lo, hi], [PRICE_HEIGHT, MARGIN.top]);
  const maxVolume = candles.reduce((m, c) => Math.max(m, c.volume), 0) || 1;
  const volumeTop = PRICE_HEIGHT + GAP;
  const yv = createLinearScale([0, maxVolume], [volumeTop + VOLUME_HEIGHT, volumeTop]);
  const parts: string[] = [renderYAxis(y, formatCompact, CHART_WIDTH, 5), renderTimeAxis(x, height, 6)];
  parts.push(
    `<text class="tick" x="${MARGIN.left - 6}" y="${volumeTop + 8}" text-anchor="end">${escapeHtml(formatCompact(maxVolume))}</text>`,
    `<line class="grid" x1="${MARGIN.left}" x2="${CHART_WIDTH - MARGIN.right}" y1="${volumeTop + VOLUME_HEIGHT}" y2="${volumeTop + VOLUME_HEIGHT}"/>`,
  );
  for (const c of candles) {
    const up = c.close >= c.open;
    const color = up ? UP_COLOR : DOWN_COLOR;
    const left = x(c.ts.getTime()) + (slot - bodyWidth) / 2;
    const mid = (left + bodyWidth / 2).toFixed(2);
    const top = y(Math.max(c.open, c.close));
    const bodyHeight = Math.max(1, y(Math.min(c.open, c.close)) - top);
    const vTop = yv(c.volume);
    parts.push(
      `<g class="${up ? "up" : "down"}"><title>${escapeHtml(describeCandle(c))}</title>` +
        `<line class="wick" x1="${mid}" x2="${mid}" y1="${y(c.high).toFixed(2)}" y2="${y(c.low).toFixed(2)}" stroke="${color}"/>` +
        `<rect class="candle" x="${left.toFixed(2)}" y="${top.toFixed(2)}" width="${bodyWidth.toFixed(2)}" height="${bodyHeight.toFixed(2)}" fill="${color}"/>` +
        `<rect class="volume" x="${left.toFixed(2)}" y="${vTop.toFixed(2)}" width="${bodyWidth.toFixed(2)}" height="${Math.max(0, volumeTop + VOLUME_HEIGHT - vTop).toFixed(2)}" fill="${color}" fill-opacity="0.45"/></g>`,
    );
  }
  const closeLine = candles
    .map(
      (c, i) => `${i === 0 ? "M" : "L"}${(x(c.ts.getTime()) + slot / 2).toFixed(1)},${y(c.close).toFixed(1)}`,
    )
    .join("");
  // A faint close line keeps the trend readable when thousands of candles shrink to slivers.
  parts.push(`<path class="close-line" d="${closeLine}"/>`);
  return `<figure class="panel"><figcaption>${escapeHtml(title)}</figcaption>${wrapSvg(CHART_WIDTH, height, parts.join(""), title, "chart candles")}</figure>`;
}
