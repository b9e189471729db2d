/** A linear map from data values to pixels. */
export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; a flat domain maps everything to the middle of the range. */
export function createLinearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const scale = ((v: number) =>
    d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)) as LinearScale;
  return Object.assign(scale, { domain });
}

/** About `count` round tick values (1, 2, 2.5 or 5 times a power of ten) covering [min, max]. */
export function computeNiceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)) || 0); // `|| 0` turns -0 into 0, never printed as "-0.0%"
  return ticks;
}

/** [min, max] of the finite values, padded by `pad` of the span (and widened when flat). */
export function computeExtent(values: Iterable<number | null>, pad = 0.05): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (min === Number.POSITIVE_INFINITY) return [0, 1];
  const span = max - min || Math.abs(max) || 1;
  return [min - span * pad, max + span * pad];
}

/** Formats a time tick: a date, with the hour when the chart spans under a few days. */
export function formatTimeTick(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs < 3 * 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

/** Compact number: 12.3k, 4.56M, 0.00123. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(2);
  return value === 0 ? "0" : value.toPrecision(3);
}

/** 0.1234 -> "12.34%". */
export function formatPercent(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : "n/a";
}
