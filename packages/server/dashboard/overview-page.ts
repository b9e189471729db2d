import { el, getJson, table } from "./api.js";
import { drawLine, makeChart, type Bar } from "./charts.js";

interface TokenInfo {
  base: string;
  exchanges: string[];
}

/** Market overview: per token, last price, 24 h change and volume on each exchange, and its hourly closes. */
export async function renderOverview(root: HTMLElement): Promise<void> {
  root.append(el("h1", {}, "Markets"));
  const tokens = await getJson<TokenInfo[]>("/v1/tokens");
  const grid = el("div", { class: "grid" });
  root.append(grid);
  for (const token of tokens) {
    const card = el("section", { class: "card", "aria-label": token.base });
    const link = el("a", { href: `/tokens/${token.base}` }, token.base);
    card.append(el("h2", {}, link));
    grid.append(card);
    const rows: (string | number)[][] = [];
    let chartBars: Bar[] = [];
    for (const exchange of token.exchanges) {
      const bars = await getJson<Bar[]>(
        `/v1/tokens/${token.base}/ohlcv?interval=1h&exchange=${exchange}&limit=48`,
      ).catch(() => [] as Bar[]);
      const last = bars.at(-1);
      const dayAgo = bars.at(-25);
      if (!last) continue;
      if (chartBars.length === 0) chartBars = bars;
      const change = dayAgo ? (last.close / dayAgo.close - 1) * 100 : 0;
      const volume = bars.slice(-24).reduce((a, b) => a + b.volume * b.close, 0);
      rows.push([
        exchange,
        last.close,
        `${change >= 0 ? "+" : ""}${change.toFixed(2)}%`,
        `${(volume / 1e6).toFixed(1)}M`,
      ]);
    }
    card.append(table(["exchange", "last", "24h", "24h vol (quote)"], rows));
    const chartEl = el("div", { class: "chart small", "data-chart": `overview-${token.base}` });
    card.append(chartEl);
    drawLine(
      makeChart(chartEl),
      chartEl,
      chartBars.map((b) => ({ ts: b.ts, value: b.close })),
      "#0969da",
    );
  }
}
