import { hashString, unitAt } from "../series/hash.js";
import type { SimReply } from "./types.js";

/** Row corruptions a validator must catch, applied to one row of a data page. */
export const MALFORMATIONS = [
  "nan",
  "negative-price",
  "high-below-low",
  "misaligned-ts",
  "duplicate-ts",
  "microsecond-ts",
] as const;
export type Malformation = (typeof MALFORMATIONS)[number];

/**
 * `empty-page`: the page comes back with no rows, for a range the exchange should cover (a row
 * corruption would be quarantined; this loses a page, which the pipeline must report as a gap).
 */
export type FaultKind =
  "429" | "418" | "500" | "502" | "503" | "hang" | "truncated" | "html" | "empty-page" | Malformation;

/**
 * A fault injected on one route. With `nth`, the Nth request(s) after the fault is set (1-based);
 * with `rate`, a seeded fraction of requests; with neither, every request.
 */
export interface FaultSpec {
  kind: FaultKind;
  nth?: number | readonly number[];
  rate?: number;
  /** Seconds in the Retry-After header of a 429 / 418 (default 1). */
  retryAfterSeconds?: number;
}

/** Faults by exchange, then by route (the path, e.g. "/api/v3/klines"). */
export type FaultPlan = Partial<Record<string, Record<string, FaultSpec>>>;

interface ArmedFault {
  spec: FaultSpec;
  seen: number;
  key: number;
}

/** The faults armed on one exchange's routes. */
export class FaultTable {
  private readonly armed = new Map<string, ArmedFault>();
  constructor(private readonly seed: number) {}

  set(route: string, spec: FaultSpec): void {
    this.armed.set(route, { spec, seen: 0, key: hashString(`${this.seed}|fault|${route}`) });
  }

  clear(route?: string): void {
    if (route === undefined) this.armed.clear();
    else this.armed.delete(route);
  }

  /** The fault to inject on this request of `route`, if any. */
  draw(route: string): FaultSpec | undefined {
    const fault = this.armed.get(route);
    if (fault === undefined) return undefined;
    fault.seen += 1;
    const { nth, rate } = fault.spec;
    if (nth !== undefined)
      return (typeof nth === "number" ? [nth] : nth).includes(fault.seen) ? fault.spec : undefined;
    if (rate !== undefined) return unitAt(fault.key, fault.seen) < rate ? fault.spec : undefined;
    return fault.spec;
  }
}

export function isMalformation(kind: FaultKind): kind is Malformation {
  return (MALFORMATIONS as readonly string[]).includes(kind);
}

export const HTML_ERROR_PAGE =
  "<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>" +
  "<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>";

/** A JSON body cut in the middle, as a dropped connection leaves it. */
export function truncateReply(reply: SimReply): SimReply {
  const text = reply.raw ?? JSON.stringify(reply.body);
  return { ...reply, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))), body: undefined };
}
