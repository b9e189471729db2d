import {
  computeDrawdown,
  computeFundingSeries,
  computeCumulativeReturns,
  computePeriodsPerYear,
  computeReturns,
  computeRollingVolatility,
  detectOpenInterestAnomalies,
  type CandleFields,
} from "../analytics/index.js";
import { candleDomain, DOWN_COLOR, renderCandlestickChart, UP_COLOR } from "./candlestick-chart.js";
import { renderDerivativeCharts } from "./derivative-charts.js";
import { formatCompact, formatPercent } from "./chart-scale.js";
import { escapeHtml } from "./escape-html.js";
import { renderCoverageStrip } from "./coverage-strip.js";
import { renderLineChart } from "./line-chart.js";
import type { TearsheetInput } from "./tearsheet-input.js";
import { TearsheetInputError } from "./tearsheet-input-error.js";
import { computeTearsheetStatistics } from "./tearsheet-statistics.js";
import { TEARSHEET_CSS } from "./tearsheet-style.js";

const pct = (v: number) => formatPercent(v, Math.abs(v) < 0.1 ? 1 : 0);

function checkCandles(candles: readonly CandleFields[]): CandleFields[] {
  if (candles.length < 2) {
    throw new TearsheetInputError(
      `a tearsheet needs at least 2 candles, got ${candles.length}`,
      "too-few-candles",
    );
  }
  const bad = candles.find(
    (c) => ![c.open, c.high, c.low, c.close, c.volume].every(Number.isFinite) || !(c.close > 0),
  );
  if (bad)
    throw new TearsheetInputError(
      `candle at ${bad.ts.toISOString()} has a non-finite or non-positive price`,
      "invalid-candle",
    );
  return [...candles].sort((a, b) => a.ts.getTime() - b.ts.getTime());
}

function renderPriceCharts(input: TearsheetInput, candles: CandleFields[]): string[] {
  const closes = candles.map((c) => c.close);
  const window = input.volatilityWindow ?? 30;
  const periodsPerYear = computePeriodsPerYear(input.provenance.interval);
  const at = (values: readonly (number | null)[]) =>
    candles.map((c, i) => ({ ts: c.ts, value: values[i] ?? null }));
  const rollingVol = computeRollingVolatility(computeReturns(closes), window, periodsPerYear);
  return [
    renderLineChart({
      title: "Cumulative return",
      series: [{ label: "buy and hold", points: at(computeCumulativeReturns(closes)), color: "#2563eb" }],
      format: pct,
      zeroLine: true,
    }),
    renderLineChart({
      title: "Drawdown",
      series: [
        {
          label: "from running peak",
          points: at(computeDrawdown(closes)),
          color: DOWN_COLOR,
          fillToZero: true,
        },
      ],
      format: pct,
      zeroLine: true,
    }),
    renderLineChart({
      title: `Rolling volatility (${window} ${input.provenance.interval} candles, annualised)`,
      series: [{ label: "volatility", points: at(rollingVol), color: "#7c3aed" }],
      format: pct,
    }),
  ];
}

function renderPerpCharts(input: TearsheetInput): string[] {
  const charts: string[] = [];
  const funding = computeFundingSeries(input.fundingRates ?? []);
  if (funding.length > 0) {
    charts.push(
      renderLineChart({
        title: "Funding rate (APR)",
        series: [
          {
            label: "annualised",
            points: funding.map((f) => ({ ts: f.ts, value: f.apr })),
            color: "#0891b2",
            fillToZero: true,
          },
        ],
        format: pct,
        zeroLine: true,
      }),
      renderLineChart({
        title: "Cumulative funding paid by longs",
        series: [
          {
            label: "sum of rates",
            points: funding.map((f) => ({ ts: f.ts, value: f.cumulative })),
            color: UP_COLOR,
          },
        ],
        format: (v) => formatPercent(v, 2),
        zeroLine: true,
      }),
    );
  }
  const oi = [...(input.openInterest ?? [])].sort((a, b) => a.ts.getTime() - b.ts.getTime());
  if (oi.length > 0) {
    const window = input.anomalyWindow ?? 24;
    const threshold = input.anomalyThreshold ?? 3;
    const anomalies = detectOpenInterestAnomalies(oi, { window, threshold });
    charts.push(
      renderLineChart({
        title: `Open interest (dots: |z| >= ${threshold} vs the previous ${window} snapshots)`,
        series: [
          {
            label: "base units",
            points: oi.map((r) => ({ ts: r.ts, value: r.openInterest })),
            color: "#ea580c",
          },
        ],
        format: formatCompact,
        markers: anomalies.map((a) => ({
          ts: a.ts,
          value: a.value,
          label: `${a.ts.toISOString()} z = ${a.zScore.toFixed(1)}`,
        })),
      }),
    );
  }
  return charts;
}

function renderStatistics(input: TearsheetInput): string {
  const rows = computeTearsheetStatistics(input)
    .map(
      (s) =>
        `<tr title="${escapeHtml(s.note)}"><th scope="row">${escapeHtml(s.label)}</th><td class="num">${escapeHtml(s.text)}</td></tr>`,
    )
    .join("");
  return `<table class="statistics"><tbody>${rows}</tbody></table>`;
}

function renderProvenance(input: TearsheetInput, candles: CandleFields[]): string {
  const p = input.provenance;
  const updateTime = typeof p.updateTime === "string" ? p.updateTime : p.updateTime.toISOString();
  const entries: [string, string][] = [
    ["Dataset version", String(p.datasetVersion)],
    ["Dataset updated", updateTime],
    ...(p.dataset === undefined ? [] : ([["Dataset", p.dataset]] as [string, string][])),
    ["Exchanges", p.exchanges.join(", ")],
    ["Symbol", p.symbol],
    ...(p.perpSymbol === undefined ? [] : ([["Perpetual", p.perpSymbol]] as [string, string][])),
    ["Interval", p.interval],
    [
      "Candles",
      `${candles.length}, ${candles[0]?.ts.toISOString()} to ${candles.at(-1)?.ts.toISOString()} (open times, UTC)`,
    ],
    ["Funding payments", String(input.fundingRates?.length ?? 0)],
    ["Open-interest snapshots", String(input.openInterest?.length ?? 0)],
    ...(input.basis?.length ? ([["Basis points", String(input.basis.length)]] as [string, string][]) : []),
    ...(input.longShortRatios?.length
      ? ([["Long/short hours", String(input.longShortRatios.length)]] as [string, string][])
      : []),
    ["Generated", (input.generatedAt ?? new Date()).toISOString()],
  ];
  const items = entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("");
  return `<dl class="provenance">${items}</dl>`;
}

/**
 * A self-contained HTML tearsheet of one market: candlesticks with volume, cumulative return,
 * drawdown, rolling volatility, the perpetual's funding and open interest (when given), a statistics
 * table and the data's provenance. Charts are inline SVG and the style is inline: no script, font
 * or stylesheet is fetched, so the file opens offline and can be mailed or committed.
 */
export function renderTearsheet(input: TearsheetInput): string {
  const candles = checkCandles(input.candles);
  const sorted = { ...input, candles };
  const p = input.provenance;
  const title = input.title ?? `${p.symbol} · ${p.interval}`;
  const range = `${candles[0]?.ts.toISOString().slice(0, 10)} to ${candles.at(-1)?.ts.toISOString().slice(0, 10)}`;
  const perp = [...renderPerpCharts(input), ...renderDerivativeCharts(input)];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@cexdata/client renderTearsheet">
<title>${escapeHtml(title)} — cexdata tearsheet</title>
<style>${TEARSHEET_CSS}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(`${p.exchanges.join(", ")} · ${range} · ${candles.length} candles`)}</p></header>
<section class="price">${renderCandlestickChart(candles, `${p.symbol} price and volume`)}${
    input.coverage && input.coverage.length > 0
      ? renderCoverageStrip(input.coverage, candleDomain(candles))
      : ""
  }</section>
<section class="performance"><h2>Performance</h2><div class="grid">${renderPriceCharts(sorted, candles).join("")}</div></section>
${perp.length > 0 ? `<section class="perp"><h2>Perpetual</h2><div class="grid">${perp.join("")}</div></section>` : ""}
<section class="stats"><div><h2>Statistics</h2>${renderStatistics(sorted)}</div><div><h2>Provenance</h2>${renderProvenance(input, candles)}</div></section>
<footer>Made with @cexdata/client. Returns are close to close; annualised on 365 days. Past performance says nothing certain about the future.</footer>
</main>
</body>
</html>
`;
}
