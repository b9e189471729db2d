import { formatPercent } from "./chart-scale.js";
import { renderLineChart } from "./line-chart.js";
import type { TearsheetInput } from "./tearsheet-input.js";

const byTime = <T extends { ts: Date }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime());

/**
 * The perpetual's basis (against its index and against spot) and its long/short ratios, when the
 * dataset has them: one chart each, a line per series an exchange publishes (an all-null series is
 * left out, so Bybit's single ratio does not draw three empty lines).
 */
export function renderDerivativeCharts(input: TearsheetInput): string[] {
  const charts: string[] = [];
  const basis = byTime(input.basis ?? []);
  const basisSeries = [
    { label: "vs index", key: "basisIndex", color: "#0f766e" },
    { label: "vs spot", key: "basisSpot", color: "#9333ea" },
  ] as const;
  const drawnBasis = basisSeries.filter((s) => basis.some((r) => r[s.key] !== null));
  if (drawnBasis.length > 0) {
    charts.push(
      renderLineChart({
        title: "Basis (perpetual close / reference close - 1)",
        series: drawnBasis.map((s) => ({
          label: s.label,
          points: basis.map((r) => ({ ts: r.ts, value: r[s.key] })),
          color: s.color,
        })),
        format: (v) => formatPercent(v, 2),
        zeroLine: true,
      }),
    );
  }
  const ratios = byTime(input.longShortRatios ?? []);
  const ratioSeries = [
    { label: "top traders, accounts", key: "topTraderAccountRatio", color: "#2563eb" },
    { label: "top traders, positions", key: "topTraderPositionRatio", color: "#db2777" },
    { label: "all accounts", key: "globalAccountRatio", color: "#ea580c" },
    { label: "taker buy / sell", key: "takerBuySellRatio", color: "#16a34a" },
  ] as const;
  const drawnRatios = ratioSeries.filter((s) => ratios.some((r) => r[s.key] !== null));
  if (drawnRatios.length > 0) {
    charts.push(
      renderLineChart({
        title: "Long / short ratios (1 = as many long as short)",
        series: drawnRatios.map((s) => ({
          label: s.label,
          points: ratios.map((r) => ({ ts: r.ts, value: r[s.key] })),
          color: s.color,
        })),
        format: (v) => v.toFixed(2),
      }),
    );
  }
  return charts;
}
