import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { FaultTable, HTML_ERROR_PAGE, isMalformation, truncateReply, type FaultSpec } from "./faults.js";
import { emptyRows, malformRows } from "./malform-rows.js";
import type { ExchangeApi, ExchangeCounters, RouteHandler, SimReply, SimRequest } from "./types.js";

export interface SimServer {
  readonly url: string;
  /** The HTTP server itself, so websocket feeds can share its host and port (see src/ws). */
  readonly httpServer: Server;
  readonly counters: ExchangeCounters;
  readonly faults: FaultTable;
  /** Serve `reply` for `route` instead of the simulated answer (recorded payloads), until cleared. */
  replay(route: string, reply: SimReply | undefined): void;
  stop(): Promise<void>;
}

export interface SimServerParams {
  api: ExchangeApi;
  seed: number;
  nowMs: () => number;
  clockMs: () => number;
  /** Delay in ms before each request is answered (network latency); none when absent. */
  latencyMs?: () => number;
}

export function emptyCounters(): ExchangeCounters {
  return {
    requests: {},
    total: 0,
    rateLimited: 0,
    banned: 0,
    faultsInjected: 0,
    requestsDuringBan: 0,
    weightUsed: 0,
    weightUsedBy: {},
  };
}

/** The handler for a path: an exact route, else a pattern with `{name}` segments, with its params. */
function findRoute(
  routes: ExchangeApi["routes"],
  path: string,
): { handler: RouteHandler; params: Record<string, string> } | undefined {
  const exact = routes[path];
  if (exact !== undefined) return { handler: exact, params: {} };
  const parts = path.split("/");
  for (const [pattern, handler] of Object.entries(routes)) {
    const want = pattern.split("/");
    if (!pattern.includes("{") || want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = want.every((seg, i) => {
      const got = decodeURIComponent(parts[i] ?? "");
      if (seg.startsWith("{") && seg.endsWith("}")) params[seg.slice(1, -1)] = got;
      return seg.startsWith("{") || seg === got;
    });
    if (matches) return { handler, params };
  }
  return undefined;
}

function send(res: ServerResponse, reply: SimReply): void {
  const text = reply.raw ?? JSON.stringify(reply.body ?? null);
  res.writeHead(reply.status, {
    "Content-Type": reply.contentType ?? "application/json;charset=UTF-8",
    "Content-Length": Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

function faultReply(api: ExchangeApi, fault: FaultSpec, clockMs: number): SimReply | undefined {
  const retryAfter = fault.retryAfterSeconds ?? 1;
  switch (fault.kind) {
    case "429":
      return api.rateLimited(retryAfter, 429);
    case "418":
      // A ban, as the exchange bans: later requests are refused (and counted) until it ends.
      return api.ban(clockMs, retryAfter);
    case "500":
    case "502":
    case "503":
      return { status: Number(fault.kind), raw: `${fault.kind} Internal Error`, contentType: "text/plain" };
    case "html":
      return { status: 503, raw: HTML_ERROR_PAGE, contentType: "text/html" };
    default:
      return undefined;
  }
}

/** One exchange's HTTP server on 127.0.0.1: counting, rate limits, faults, then the route. */
export async function startSimServer(p: SimServerParams): Promise<SimServer> {
  const counters = emptyCounters();
  const faults = new FaultTable(p.seed);
  const replays = new Map<string, SimReply>();
  const hanging = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const found = findRoute(p.api.routes, url.pathname);
    const simReq: SimRequest = {
      route: url.pathname,
      query: url.searchParams,
      params: found?.params ?? {},
      nowMs: p.nowMs(),
    };
    counters.total += 1;
    counters.requests[simReq.route] = (counters.requests[simReq.route] ?? 0) + 1;
    const admission = p.api.admit(simReq, p.clockMs());
    counters.weightUsed += admission.weight ?? 0;
    if (admission.weightKey !== undefined)
      counters.weightUsedBy[admission.weightKey] =
        (counters.weightUsedBy[admission.weightKey] ?? 0) + (admission.weight ?? 0);
    if (admission.duringBan === true) counters.requestsDuringBan += 1;
    if (admission.reject !== undefined) {
      if (admission.banned === true) counters.banned += 1;
      else counters.rateLimited += 1;
      send(res, admission.reject);
      return;
    }
    const fault = faults.draw(simReq.route);
    if (fault !== undefined) counters.faultsInjected += 1;
    if (fault?.kind === "hang") {
      hanging.add(req.socket);
      return;
    }
    const injected = fault === undefined ? undefined : faultReply(p.api, fault, p.clockMs());
    if (injected !== undefined) {
      if (fault?.kind === "418") counters.banned += 1;
      else if (fault?.kind === "429") counters.rateLimited += 1;
      send(res, injected);
      return;
    }
    let reply =
      replays.get(simReq.route) ?? (found === undefined ? p.api.notFound(simReq) : found.handler(simReq));
    reply = { ...reply, headers: { ...admission.headers, ...reply.headers } };
    if (fault !== undefined && isMalformation(fault.kind)) {
      reply = { ...reply, body: structuredClone(reply.body) };
      malformRows(reply.body, fault.kind, counters.requests[simReq.route] ?? 0);
    } else if (fault?.kind === "empty-page") {
      reply = { ...reply, body: structuredClone(reply.body) };
      emptyRows(reply.body);
    }
    send(res, fault?.kind === "truncated" ? truncateReply(reply) : reply);
  };

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      handle(req, res);
    } catch (error) {
      send(res, { status: 500, body: { error: String(error) } });
    }
  };
  const delayed = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const delay = p.latencyMs?.() ?? 0;
    if (delay <= 0) return answer(req, res);
    const timer = setTimeout(() => {
      delayed.delete(timer);
      answer(req, res);
    }, delay);
    delayed.add(timer);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    httpServer: server,
    counters,
    faults,
    replay(route, reply) {
      if (reply === undefined) replays.delete(route);
      else replays.set(route, reply);
    },
    async stop() {
      for (const timer of delayed) clearTimeout(timer);
      for (const socket of hanging) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
