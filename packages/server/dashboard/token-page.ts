import { el, getJson, picker } from "./api.js";
import { drawCandles, drawLine, makeChart, markLiquidations, type Bar } from "./charts.js";

const INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"];
const INDICATORS = ["bollinger", "vwap", "none"];
const PANELS = ["rsi", "macd", "atr", "volatility", "drawdown"];
const SECONDS: Record<string, number> = {
  "1m": 60,
  "5m": 300,
  "15m": 900,
  "1h": 3600,
  "4h": 14_400,
  "1d": 86_400,
};

interface Market {
  exchange: string;
  market: string;
}

/** The view the URL describes: /tokens/BTC?exchange=okx&market=perp&interval=1h&overlay=bollinger&panel=rsi */
export interface TokenView {
  base: string;
  exchange: string;
  market: string;
  interval: string;
  overlay: string;
  panel: string;
}

export function readTokenView(url: URL): TokenView {
  const q = url.searchParams;
  return {
    base: decodeURIComponent(url.pathname.split("/")[2] ?? "BTC").toUpperCase(),
    exchange: q.get("exchange") ?? "",
    market: q.get("market") ?? "spot",
    interval: q.get("interval") ?? "1h",
    overlay: q.get("overlay") ?? "bollinger",
    panel: q.get("panel") ?? "rsi",
  };
}

function viewUrl(v: TokenView): string {
  const q = new URLSearchParams({
    market: v.market,
    interval: v.interval,
    overlay: v.overlay,
    panel: v.panel,
  });
  if (v.exchange) q.set("exchange", v.exchange);
  return `/tokens/${v.base}?${q}`;
}

/** Token page: candles + volume, an overlay, an indicator panel, funding, open interest, basis, liquidations. */
export async function renderToken(
  root: HTMLElement,
  view: TokenView,
  navigate: (url: string) => void,
): Promise<void> {
  const markets = await getJson<Market[]>(`/v1/tokens/${view.base}/markets`);
  const tokens = await getJson<{ base: string }[]>("/v1/tokens");
  const exchanges = [...new Set(markets.filter((m) => m.market === view.market).map((m) => m.exchange))];
  const v = { ...view, exchange: exchanges.includes(view.exchange) ? view.exchange : (exchanges[0] ?? "") };
  const go = (patch: Partial<TokenView>) => navigate(viewUrl({ ...v, ...patch }));
  root.append(
    el("h1", {}, `${v.base} on ${v.exchange} (${v.market}, ${v.interval})`),
    el(
      "div",
      { class: "pickers" },
      picker(
        "token",
        "base",
        tokens.map((t) => t.base),
        v.base,
        (base) => go({ base, exchange: "" }),
      ),
      picker("exchange", "exchange", exchanges, v.exchange, (exchange) => go({ exchange })),
      picker("market", "market", ["spot", "perp"], v.market, (market) => go({ market, exchange: "" })),
      picker("interval", "interval", INTERVALS, v.interval, (interval) => go({ interval })),
      picker("overlay", "overlay", INDICATORS, v.overlay, (overlay) => go({ overlay })),
      picker("panel", "panel", PANELS, v.panel, (panel) => go({ panel })),
    ),
  );
  const query = `interval=${v.interval}&exchange=${v.exchange}&market=${v.market}&limit=300`;
  const bars = await getJson<Bar[]>(`/v1/tokens/${v.base}/ohlcv?${query}`);
  const priceEl = el("div", { class: "chart", "data-chart": "candles" });
  root.append(priceEl);
  const price = makeChart(priceEl);
  const candles = drawCandles(price, priceEl, bars);
  if (v.overlay === "bollinger") {
    const bands = await getJson<
      { ts: string; middle: number | null; upper: number | null; lower: number | null }[]
    >(`/v1/tokens/${v.base}/indicators/bollinger?${query}`);
    for (const [key, color] of [
      ["upper", "#8250df"],
      ["middle", "#bf8700"],
      ["lower", "#8250df"],
    ] as const)
      drawLine(
        price,
        priceEl,
        bands.map((b) => ({ ts: b.ts, value: b[key] })),
        color,
      );
  } else if (v.overlay === "vwap") {
    const vwap = await getJson<{ ts: string; value: number | null }[]>(
      `/v1/tokens/${v.base}/indicators/vwap?${query}&window=20`,
    );
    drawLine(price, priceEl, vwap, "#bf8700");
  }
  // Only what the dataset holds is asked for (an exchange without a table answers 400, rightly).
  const status = await getJson<{ freshness: { table: string; exchange: string; newestTs?: string }[] }>(
    "/v1/status",
  );
  const has = (table: string) =>
    status.freshness.some((f) => f.table === table && f.exchange === v.exchange && f.newestTs);
  const listed = (market: string) => markets.some((m) => m.exchange === v.exchange && m.market === market);
  if (v.market === "perp" && has("liquidations")) {
    const liqs = await getJson<{ ts: string; side: string; value: number | null }[]>(
      `/v1/tokens/${v.base}/liquidations?exchange=${v.exchange}&limit=200`,
    );
    const first = bars[0]?.ts ?? "";
    markLiquidations(
      candles,
      liqs.filter((l) => l.ts >= first),
      SECONDS[v.interval] ?? 3600,
    );
  }
  root.append(el("h2", {}, `indicator: ${v.panel}`));
  const panelEl = el("div", { class: "chart small", "data-chart": "panel" });
  root.append(panelEl);
  const panelRows = await getJson<Record<string, number | string | null>[]>(
    `/v1/tokens/${v.base}/indicators/${v.panel}?${query}`,
  );
  const panel = makeChart(panelEl);
  const keys = Object.keys(panelRows[0] ?? {}).filter((k) => k !== "ts");
  const colors = ["#0969da", "#bf8700", "#8250df"];
  keys.forEach((k, i) =>
    drawLine(
      panel,
      panelEl,
      panelRows.map((r) => ({ ts: String(r.ts), value: r[k] as number | null })),
      colors[i % 3]!,
    ),
  );
  await renderDerivatives(root, v, has, listed);
}

/** Funding, open interest and basis (perp close / spot close - 1) where the exchange has them. */
async function renderDerivatives(
  root: HTMLElement,
  v: TokenView,
  has: (table: string) => boolean,
  listed: (market: string) => boolean,
): Promise<void> {
  const series = `exchange=${v.exchange}&limit=500`;
  const funding = has("funding_rates")
    ? await getJson<{ ts: string; fundingRate: number }[]>(`/v1/tokens/${v.base}/funding-rates?${series}`)
    : [];
  const oi = has("open_interest")
    ? await getJson<{ ts: string; openInterest: number }[]>(`/v1/tokens/${v.base}/open-interest?${series}`)
    : [];
  if (funding.length > 0) {
    root.append(el("h2", {}, "funding rate"));
    const chartEl = el("div", { class: "chart small", "data-chart": "funding" });
    root.append(chartEl);
    drawLine(
      makeChart(chartEl),
      chartEl,
      funding.map((f) => ({ ts: f.ts, value: f.fundingRate })),
      "#cf222e",
    );
  }
  if (oi.length > 0) {
    root.append(el("h2", {}, "open interest"));
    const chartEl = el("div", { class: "chart small", "data-chart": "open-interest" });
    root.append(chartEl);
    drawLine(
      makeChart(chartEl),
      chartEl,
      oi.map((o) => ({ ts: o.ts, value: o.openInterest })),
      "#1a7f37",
    );
  }
  const q = `interval=${v.interval}&exchange=${v.exchange}&limit=300`;
  const [perp, spot] =
    listed("perp") && listed("spot")
      ? await Promise.all([
          getJson<Bar[]>(`/v1/tokens/${v.base}/ohlcv?${q}&market=perp`),
          getJson<Bar[]>(`/v1/tokens/${v.base}/ohlcv?${q}&market=spot`),
        ])
      : [[], []];
  const spotBy = new Map(spot.map((b) => [b.ts, b.close]));
  const basis = perp
    .filter((b) => spotBy.has(b.ts))
    .map((b) => ({ ts: b.ts, value: b.close / spotBy.get(b.ts)! - 1 }));
  if (basis.length > 0) {
    root.append(el("h2", {}, "basis (perp / spot - 1)"));
    const chartEl = el("div", { class: "chart small", "data-chart": "basis" });
    root.append(chartEl);
    drawLine(makeChart(chartEl), chartEl, basis, "#8250df");
  }
}
