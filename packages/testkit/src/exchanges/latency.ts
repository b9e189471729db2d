import { hashString, unitAt } from "../series/hash.js";

/**
 * Network latency the simulators add before answering, as a real exchange over the internet would
 * (50-150 ms a request is typical from a CI runner): a fixed number of ms, or a range drawn per
 * request from a seeded sequence, so a benchmark sees the same delays run after run.
 */
export type LatencySpec = number | { readonly minMs: number; readonly maxMs: number };

/** The delay of each next request in ms; 0 without latency. */
export function createLatency(spec: LatencySpec | undefined, seed: number, name: string): () => number {
  if (spec === undefined) return () => 0;
  const { minMs, maxMs } = typeof spec === "number" ? { minMs: spec, maxMs: spec } : spec;
  if (!(minMs >= 0 && maxMs >= minMs)) throw new RangeError(`latency ${minMs}-${maxMs} ms is not a range`);
  const key = hashString(`latency|${name}|${seed}`);
  let drawn = 0;
  return () => minMs + (maxMs - minMs) * unitAt(key, drawn++);
}

/** `50-150` or `80` (ms), as the testkit CLI and CEXDATA_SIM_LATENCY_MS take it. */
export function parseLatency(text: string): LatencySpec {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!match) throw new RangeError(`latency "${text}" is not "<ms>" or "<min>-<max>"`);
  const minMs = Number(match[1]);
  return match[2] === undefined ? minMs : { minMs, maxMs: Number(match[2]) };
}
