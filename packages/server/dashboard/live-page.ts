import { el, getJson, table } from "./api.js";
import { drawHistogram, makeChart, toTime } from "./charts.js";
import type { IChartApi } from "lightweight-charts";

type Event = Record<string, unknown> & { ts: string; exchange: string; symbol: string };
const SHOWN = 30;

/** Live page: liquidations and large trades as they arrive (tables and a value histogram), OI spikes. */
export async function renderLive(root: HTMLElement): Promise<() => void> {
  root.append(el("h1", {}, "Live"));
  const topics = await getJson<{ live: boolean }>("/v1/stream/topics");
  if (!topics.live) {
    root.append(el("p", { class: "note" }, "Live streams are off: start the server with --live."));
  }
  const chartEl = el("div", { class: "chart small", "data-chart": "live-liquidations" });
  root.append(el("h2", {}, "liquidations (value, USD)"), chartEl);
  const chart: IChartApi = makeChart(chartEl);
  const sections: Record<string, { box: HTMLElement; events: Event[]; columns: string[] }> = {};
  for (const [topic, title, columns] of [
    ["liquidations", "Liquidations", ["ts", "exchange", "symbol", "side", "price", "value"]],
    ["large_trades", "Large trades", ["ts", "exchange", "symbol", "side", "price", "valueUsd"]],
    [
      "oi_spikes",
      "Open interest / volume spikes",
      ["ts", "exchange", "symbol", "interval", "kind", "zScore"],
    ],
  ] as const) {
    const box = el("div", { "data-topic": topic, "data-count": "0" }, el("p", { class: "note" }, "waiting…"));
    root.append(el("h2", {}, title), box);
    sections[topic] = { box, events: [], columns: [...columns] };
  }
  const bars = new Map<number, number>();
  const histogram = { series: null as null | ReturnType<typeof drawHistogram> };
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/v1/stream`);
  ws.addEventListener("open", () => {
    for (const topic of Object.keys(sections)) ws.send(JSON.stringify({ op: "subscribe", topic }));
  });
  ws.addEventListener("message", (message) => {
    const m = JSON.parse(String(message.data)) as { op: string; topic?: string; data?: Event };
    if (m.op !== "event" || !m.topic || !m.data) return;
    const section = sections[m.topic];
    if (!section) return;
    section.events.unshift(m.data);
    section.events.length = Math.min(section.events.length, SHOWN);
    section.box.dataset.count = String(Number(section.box.dataset.count) + 1);
    const rows = section.events.map((e) =>
      section.columns.map((c) => (typeof e[c] === "number" ? (e[c] as number) : String(e[c] ?? ""))),
    );
    section.box.replaceChildren(table(section.columns, rows));
    if (m.topic === "liquidations" && typeof m.data.value === "number") {
      const second = toTime(m.data.ts);
      bars.set(second, (bars.get(second) ?? 0) + m.data.value);
      const points = [...bars]
        .sort((a, b) => a[0] - b[0])
        .map(([time, value]) => ({ time, value, color: "#cf222e" }));
      if (!histogram.series) histogram.series = drawHistogram(chart, chartEl, points);
      else {
        histogram.series.setData(points.map((p) => ({ ...p, time: p.time as never })));
        chartEl.dataset.points = String(points.length);
      }
    }
  });
  return () => ws.close();
}
