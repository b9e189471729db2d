import { formatPercent } from "./chart-scale.js";
import { renderLineChart, type LineChartOptions } from "./line-chart.js";
import type { TearsheetInput } from "./tearsheet-input.js";

const byTime = <T extends { ts: Date }>(rows: readonly T[]) =>
  [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime());

/**
 * The perpetual's basis (against its index and against spot) and its long/short ratios, when the
 * dataset has them: one chart each, a line per series an exchange publishes (an all-null series is
 * left out, so Bybit's single ratio does not draw three empty lines).
 */
export function renderDerivativeCharts(input: TearsheetInput): string[] {
  const basis = chartOfColumns(
    byTime(input.basis ?? []),
    [
      { label: "vs index", key: "basisIndex", color: "#0f766e" },
      { label: "vs spot", key: "basisSpot", color: "#9333ea" },
    ],
    {
      title: "Basis (perpetual close / reference close - 1)",
      format: (v) => formatPercent(v, 2),
      zeroLine: true,
    },
  );
  const ratios = chartOfColumns(
    byTime(input.longShortRatios ?? []),
    [
      { label: "top traders, accounts", key: "topTraderAccountRatio", color: "#2563eb" },
      { label: "top traders, positions", key: "topTraderPositionRatio", color: "#db2777" },
      { label: "all accounts", key: "globalAccountRatio", color: "#ea580c" },
      { label: "taker buy / sell", key: "takerBuySellRatio", color: "#16a34a" },
    ],
    { title: "Long / short ratios (1 = as many long as short)", format: (v) => v.toFixed(2) },
  );
  return [basis, ratios].filter((chart): chart is string => chart !== undefined);
}

/** One line per column of `rows` that has a value somewhere; no chart when none has. */
function chartOfColumns<K extends string, R extends { ts: Date } & Record<K, number | null>>(
  rows: readonly R[],
  columns: readonly { label: string; key: K; color: string }[],
  options: Omit<LineChartOptions, "series">,
): string | undefined {
  const drawn = columns.filter((c) => rows.some((r) => r[c.key] !== null));
  if (drawn.length === 0) return undefined;
  return renderLineChart({
    ...options,
    series: drawn.map((c) => ({
      label: c.label,
      points: rows.map((r) => ({ ts: r.ts, value: r[c.key] })),
      color: c.color,
    })),
  });
}
