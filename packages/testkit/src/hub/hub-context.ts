import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActiveHubFault, HubRoute } from "./hub-faults.js";
import { HubResponseError, type HubRepoState, type HubStore, type RepoType } from "./hub-store.js";

export interface HubCounters {
  /** Requests received, per route (also those refused or failed by a fault). */
  readonly requests: Record<HubRoute, number>;
  /** Body bytes sent by resolve, raw and the LFS CDN. */
  bytesServed: number;
  /** Body bytes received by LFS uploads and commit calls. */
  bytesUploaded: number;
  /** LFS objects stored by upload PUTs (one per object the storage accepted). */
  lfsUploads: number;
  /** Commits applied (initial commits of new repos included). */
  commits: number;
}

export interface HubContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Capture groups of the route's pattern, URI-decoded. */
  readonly params: readonly (string | undefined)[];
  readonly store: HubStore;
  /** `http://127.0.0.1:<port>`, for the URLs the simulator hands out. */
  readonly baseUrl: string;
  readonly fault: ActiveHubFault | undefined;
  readonly counters: HubCounters;
  /** Signs LFS upload URLs, which (like S3 presigned URLs) carry no Authorization header. */
  readonly sign: (value: string) => string;
  /** Whether the request carried the simulator's token. */
  readonly authenticated: boolean;
}

export interface HubRouteDef {
  readonly route: HubRoute;
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  /** Writes need `Authorization: Bearer <token>`; reads are public. */
  readonly write: boolean;
  handle(ctx: HubContext): Promise<void> | void;
}

/** `datasets` -> `dataset`; no prefix (as in model URLs) -> `model`. */
export function repoTypeOf(segment: string | undefined): RepoType {
  if (segment === "datasets") return "dataset";
  if (segment === "spaces") return "space";
  return "model";
}

/**
 * The Hub answers 401 to anonymous requests for a missing repo, and for a private one, so that it
 * never says whether a private repo exists; 404 for a missing repo otherwise.
 */
export function findRepo(ctx: HubContext, type: RepoType, org: string, name: string): HubRepoState {
  const repo = ctx.store.get(type, `${org}/${name}`);
  if (repo && (!repo.private || ctx.authenticated)) return repo;
  throw new HubResponseError(ctx.authenticated ? 404 : 401, "Repository not found", "RepoNotFound");
}

export function webUrlOf(ctx: HubContext, repo: HubRepoState): string {
  return `${ctx.baseUrl}/${repo.type === "model" ? "" : `${repo.type}s/`}${repo.name}`;
}
