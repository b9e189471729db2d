/** The sheet's only stylesheet, inlined: the file opens offline, with no fonts or scripts to fetch. */
export const TEARSHEET_CSS = `
:root { color-scheme: light; --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #ffffff; --panel: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
section { margin-top: 20px; }
h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
figure.panel { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 4px; }
figcaption { font-weight: 600; margin-bottom: 4px; display: flex; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
.legend { font-weight: 400; color: var(--muted); font-size: 12px; }
.key { margin-left: 12px; white-space: nowrap; }
.key i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
svg.chart { width: 100%; height: auto; display: block; overflow: visible; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .zero { stroke: #94a3b8; stroke-width: 1; stroke-dasharray: 3 3; }
svg .tick { fill: var(--muted); font-size: 11px; }
svg .line { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg .close-line { fill: none; stroke: #334155; stroke-opacity: .25; stroke-width: 1; }
svg .marker { fill: #f59e0b; stroke: #92400e; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
td, th { padding: 6px 12px; border-bottom: 1px solid var(--line); text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; background: var(--panel);
  border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
dt { color: var(--muted); }
dd { margin: 0; font-variant-numeric: tabular-nums; word-break: break-all; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
`;
