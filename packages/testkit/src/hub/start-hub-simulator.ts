import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileRoutes } from "./file-routes.js";
import type { HubContext, HubCounters, HubRouteDef } from "./hub-context.js";
import { HUB_ROUTES, HubFaults, type HubRoute } from "./hub-faults.js";
import { HubResponseError, HubStore } from "./hub-store.js";
import { sendError } from "./http-io.js";
import { createHubInspector, type HubInspector } from "./hub-inspector.js";
import { historyRoutes } from "./history-routes.js";
import { repoRoutes } from "./repo-routes.js";
import { uploadRoutes } from "./upload-routes.js";

export interface HubSimulatorOptions {
  /** The write token the simulator accepts. Default: a fresh random `hf_testkit_...` token. */
  readonly token?: string;
  /** Clock for commit dates. */
  readonly now?: () => Date;
  /** Refuse (413) commits of more operations than this; default: no limit, as on the Hub. */
  readonly maxOperationsPerCommit?: number;
}

export interface HubSimulator extends HubInspector {
  /** `http://127.0.0.1:<port>`: pass as `hubUrl` to @huggingface/hub, or as HF_ENDPOINT. */
  readonly url: string;
  readonly token: string;
  readonly faults: HubFaults;
  readonly counters: HubCounters;
  /** Changes the per-commit operation limit (undefined: none) for the commits that follow. */
  setMaxOperationsPerCommit(limit: number | undefined): void;
  /**
   * Calls `listener` as each request arrives, before it is handled, with its route and that route's
   * count so far (1 for the first): a test can kill a client process at a chosen request. Returns an
   * unsubscribe function.
   */
  onRequest(listener: (route: HubRoute, count: number) => void): () => void;
  stop(): Promise<void>;
}

const ROUTES: readonly HubRouteDef[] = [...repoRoutes, ...historyRoutes, ...uploadRoutes, ...fileRoutes];

/**
 * A test double of the HuggingFace Hub on 127.0.0.1: the subset of its HTTP API that @huggingface/hub
 * uses to create a repo, commit (inline and LFS "basic" uploads), list and download files.
 */
export async function startHubSimulator(opts: HubSimulatorOptions = {}): Promise<HubSimulator> {
  const token = opts.token ?? `hf_testkit_${randomBytes(12).toString("hex")}`;
  const store = new HubStore(opts.now ?? (() => new Date()));
  store.maxOperationsPerCommit = opts.maxOperationsPerCommit;
  const listeners = new Set<(route: HubRoute, count: number) => void>();
  const faults = new HubFaults();
  const counters: HubCounters = {
    requests: Object.fromEntries(HUB_ROUTES.map((r) => [r, 0])) as Record<HubRoute, number>,
    bytesServed: 0,
    bytesUploaded: 0,
    lfsUploads: 0,
    commits: 0,
  };
  const secret = randomBytes(16);
  const sign = (value: string) => createHmac("sha256", secret).update(value).digest("hex").slice(0, 32);
  let baseUrl = "";

  const server = createServer((req, res) => {
    void handleRequest(req, res).catch(() => res.destroy());
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    let match: RegExpExecArray | null = null;
    const def = ROUTES.find((r) => (match = r.pattern.exec(url.pathname)) !== null);
    const route = def?.route ?? "not-found";
    const count = ++counters.requests[route];
    for (const listener of listeners) listener(route, count);
    try {
      if (!def || !match) throw new HubResponseError(404, "Not Found");
      if (!def.methods.includes(req.method ?? "GET")) throw new HubResponseError(405, "Method Not Allowed");
      const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
      // The Hub refuses a wrong token even on a public read; storage URLs ignore the header.
      if (
        presented !== undefined &&
        presented !== token &&
        def.route !== "lfs-upload" &&
        def.route !== "cdn"
      ) {
        throw new HubResponseError(401, "Invalid credentials in Authorization header");
      }
      if (def.write && presented !== token) {
        throw new HubResponseError(401, "You must be authenticated to write to this repository");
      }
      const fault = faults.take(def.route);
      if (fault?.kind === "reset") return dropConnection(req);
      if (fault?.kind === "status") {
        throw new HubResponseError(
          fault.status,
          fault.status === 429
            ? "You have exceeded our hourly quotas for action: resolve. We invite you to retry later."
            : "Internal Error - We're working hard to fix this as soon as possible!",
          undefined,
          fault.retryAfter === undefined ? {} : { "Retry-After": fault.retryAfter },
        );
      }
      const params = (match as RegExpExecArray)
        .slice(1)
        .map((g) => (g === undefined ? undefined : decodeURIComponent(g)));
      const ctx: HubContext = {
        req,
        res,
        url,
        params,
        store,
        baseUrl,
        fault,
        counters,
        sign,
        authenticated: presented === token,
      };
      await def.handle(ctx);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      await drain(req);
      const answer = err instanceof HubResponseError ? err : new HubResponseError(500, String(err));
      sendError(res, answer);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    token,
    faults,
    counters,
    ...createHubInspector(store, () => counters.commits++),
    setMaxOperationsPerCommit(limit) {
      store.maxOperationsPerCommit = limit;
    },
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads the rest of a request body so that the client sees our answer rather than a broken pipe. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    req
      .once("end", resolve)
      .once("error", () => resolve())
      .once("close", resolve);
    req.resume();
  });
}

/** Waits for the first bytes of the request (or its end) and drops the socket: an upload dying midway. */
function dropConnection(req: IncomingMessage): Promise<void> {
  return new Promise<void>((resolve) => {
    const drop = () => {
      req.socket.destroy();
      resolve();
    };
    req.once("data", drop).once("end", drop);
  });
}
