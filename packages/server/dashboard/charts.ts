import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from "lightweight-charts";

/** ISO-8601 -> the chart's time (seconds). */
export const toTime = (iso: string): UTCTimestamp => Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;

const charts = new Set<IChartApi>();

/** Removes every chart of the previous page (they hold resize observers and canvases). */
export function clearCharts(): void {
  for (const c of charts) c.remove();
  charts.clear();
}

/** A chart in `el`; `el.dataset.points` counts the points drawn, so a test can tell data from an empty frame. */
export function makeChart(el: HTMLElement): IChartApi {
  const chart = createChart(el, {
    autoSize: true,
    layout: { attributionLogo: false },
    timeScale: { timeVisible: true, secondsVisible: false },
  });
  charts.add(chart);
  el.dataset.points = "0";
  return chart;
}

function count(el: HTMLElement, n: number): void {
  el.dataset.points = String(Number(el.dataset.points ?? 0) + n);
}

export interface Bar {
  ts: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function drawCandles(chart: IChartApi, el: HTMLElement, bars: readonly Bar[]) {
  const candles = chart.addSeries(CandlestickSeries, {});
  candles.setData(
    bars.map((b) => ({ time: toTime(b.ts), open: b.open, high: b.high, low: b.low, close: b.close })),
  );
  const volume = chart.addSeries(HistogramSeries, {
    priceScaleId: "volume",
    priceFormat: { type: "volume" },
  });
  chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  volume.setData(
    bars.map((b) => ({
      time: toTime(b.ts),
      value: b.volume,
      color: b.close >= b.open ? "#8fd19e" : "#f1a9a9",
    })),
  );
  count(el, bars.length);
  chart.timeScale().fitContent();
  return candles;
}

export function drawLine(
  chart: IChartApi,
  el: HTMLElement,
  points: readonly { ts: string; value: number | null }[],
  color: string,
  options: { priceScaleId?: string } = {},
) {
  const line = chart.addSeries(LineSeries, { color, lineWidth: 2, ...options });
  const data = points.filter((p) => p.value !== null && Number.isFinite(p.value));
  line.setData(data.map((p) => ({ time: toTime(p.ts), value: p.value as number })));
  count(el, data.length);
  chart.timeScale().fitContent();
  return line;
}

export function drawHistogram(
  chart: IChartApi,
  el: HTMLElement,
  points: readonly { time: number; value: number; color?: string }[],
) {
  const series = chart.addSeries(HistogramSeries, {});
  series.setData(
    points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value, ...(p.color && { color: p.color }) })),
  );
  count(el, points.length);
  chart.timeScale().fitContent();
  return series;
}

/** Liquidations as markers on the candles: above for shorts liquidated, below for longs. */
export function markLiquidations(
  candles: ReturnType<typeof drawCandles>,
  liquidations: readonly { ts: string; side: string; value: number | null }[],
  bucketSeconds: number,
): void {
  const markers: SeriesMarker<Time>[] = liquidations.map((l) => ({
    time: (Math.floor(toTime(l.ts) / bucketSeconds) * bucketSeconds) as UTCTimestamp,
    position: l.side === "long" ? "belowBar" : "aboveBar",
    color: l.side === "long" ? "#cf222e" : "#1a7f37",
    shape: l.side === "long" ? "arrowUp" : "arrowDown",
    text: l.value === null ? "" : `${Math.round(l.value / 1000)}k`,
  }));
  markers.sort((a, b) => Number(a.time) - Number(b.time));
  createSeriesMarkers(candles, markers);
}
