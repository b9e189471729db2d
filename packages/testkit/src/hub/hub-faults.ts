/** The Hub routes the simulator serves; counters and faults are keyed by these names. */
export const HUB_ROUTES = [
  "create-repo",
  "repo-info",
  "refs",
  "tree",
  "paths-info",
  "commits",
  "tag",
  "super-squash",
  "preupload",
  "lfs-batch",
  "lfs-upload",
  "commit",
  "resolve",
  "raw",
  "cdn",
  "not-found",
] as const;
export type HubRoute = (typeof HUB_ROUTES)[number];

/**
 * - `status`: answer `status` with a JSON error and do nothing else.
 * - `reset`: drop the connection after the first request bytes arrive (a PUT dies mid-upload).
 * - `truncate`: on a file download, promise the full length and send half, then drop the connection.
 * - `after-apply`: on `commit` only, apply the commit and then answer `status` (the response was lost).
 */
export type HubFaultKind = "status" | "reset" | "truncate" | "after-apply";

export interface HubFault {
  readonly route: HubRoute;
  /** Let this many matching requests through first: `skip: 2` fails the third. Default 0. */
  readonly skip?: number;
  /** How many consecutive matching requests fail. Default 1. */
  readonly times?: number;
  readonly kind?: HubFaultKind;
  /** Default 500. */
  readonly status?: number;
  /** A `Retry-After` header for a `status` fault, seconds (`"2"`) or an HTTP date, as the Hub sends with 429. */
  readonly retryAfter?: string;
}

export interface ActiveHubFault {
  readonly kind: HubFaultKind;
  readonly status: number;
  readonly retryAfter?: string;
}

interface QueuedFault {
  route: HubRoute;
  skip: number;
  times: number;
  kind: HubFaultKind;
  status: number;
  retryAfter: string | undefined;
}

/** Faults armed by a test, consumed by requests in arrival order. */
export class HubFaults {
  private readonly queue: QueuedFault[] = [];

  inject(fault: HubFault): void {
    this.queue.push({
      route: fault.route,
      skip: fault.skip ?? 0,
      times: fault.times ?? 1,
      kind: fault.kind ?? "status",
      status: fault.status ?? 500,
      retryAfter: fault.retryAfter,
    });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** Faults armed and not yet spent. */
  get pending(): number {
    return this.queue.length;
  }

  /** Called once per request: the fault this request must suffer, if any. */
  take(route: HubRoute): ActiveHubFault | undefined {
    const index = this.queue.findIndex((f) => f.route === route);
    const fault = this.queue[index];
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip--;
      return undefined;
    }
    if (--fault.times <= 0) this.queue.splice(index, 1);
    return {
      kind: fault.kind,
      status: fault.status,
      ...(fault.retryAfter !== undefined && { retryAfter: fault.retryAfter }),
    };
  }
}
