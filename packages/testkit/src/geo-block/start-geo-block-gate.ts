import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import {
  BINANCE_451_BODY,
  BYBIT_403_JSON_BODY,
  CLOUDFRONT_403_HTML_BODY,
} from "./recorded/geo-block-bodies.js";

/** How the blocked host answers: Binance's 451, or CloudFront's 403 in front of Bybit (JSON or HTML). */
export type GeoBlockAnswer = "binance-451" | "cloudfront-403-json" | "cloudfront-403-html";

interface BlockReply {
  readonly status: number;
  readonly reason: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

// CloudFront's headers on a 403 (as curl -I shows them in moby/moby#34058); Binance's are unknown,
// so only a JSON content type, the one its API answers with.
const CLOUDFRONT_HEADERS = { Server: "CloudFront", "X-Cache": "Error from cloudfront" };

const BLOCK_REPLIES: Readonly<Record<GeoBlockAnswer, BlockReply>> = {
  "binance-451": {
    status: 451,
    reason: "Unavailable For Legal Reasons",
    headers: { "Content-Type": "application/json;charset=UTF-8" },
    body: BINANCE_451_BODY,
  },
  "cloudfront-403-json": {
    status: 403,
    reason: "Forbidden",
    headers: { "Content-Type": "application/json", ...CLOUDFRONT_HEADERS },
    body: BYBIT_403_JSON_BODY,
  },
  "cloudfront-403-html": {
    status: 403,
    reason: "Forbidden",
    headers: { "Content-Type": "text/html", ...CLOUDFRONT_HEADERS },
    body: CLOUDFRONT_403_HTML_BODY,
  },
};

export interface GeoBlockGateOptions {
  /** The simulator behind the gate, e.g. `http://127.0.0.1:PORT`. */
  readonly target: string;
  readonly answer: GeoBlockAnswer;
  /**
   * Client addresses in an allowed country (say 127.0.0.2, where a test's proxy connects from):
   * their requests and websocket upgrades pass through to the target. Everyone else is refused.
   */
  readonly allowFrom?: readonly string[];
}

export interface GeoBlockGateCounters {
  /** HTTP requests answered with the geo-block. */
  refused: number;
  /** Websocket handshakes answered with the geo-block. */
  refusedUpgrades: number;
  /** Requests and upgrades passed to the target. */
  forwarded: number;
}

export interface GeoBlockGate {
  /** Base URL of the gate, to stand for one real host (`CEXDATA_EXCHANGE_URL_<ID>=host=<url>`). */
  readonly url: string;
  readonly counters: GeoBlockGateCounters;
  stop(): Promise<void>;
}

/** `::ffff:127.0.0.2` and `127.0.0.2` are the same client. */
const plainAddress = (address: string | undefined) => (address ?? "").replace(/^::ffff:/, "");

/**
 * A test double of a host that refuses the runner's country, in front of an exchange simulator on
 * 127.0.0.1: every request and websocket handshake from a refused address gets the real geo-block
 * answer (status, headers and body as recorded); requests from `allowFrom` pass through unchanged.
 */
export async function startGeoBlockGate(opts: GeoBlockGateOptions): Promise<GeoBlockGate> {
  const target = new URL(opts.target);
  const reply = BLOCK_REPLIES[opts.answer];
  const allowed = new Set(opts.allowFrom ?? []);
  const counters: GeoBlockGateCounters = { refused: 0, refusedUpgrades: 0, forwarded: 0 };
  const sockets = new Set<Socket>();
  const isAllowed = (socket: Socket) => allowed.has(plainAddress(socket.remoteAddress));

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    counters.forwarded += 1;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    if (isAllowed(req.socket)) return forward(req, res);
    counters.refused += 1;
    req.resume();
    res.writeHead(reply.status, reply.reason, {
      ...reply.headers,
      "Content-Length": Buffer.byteLength(reply.body),
    });
    res.end(reply.body);
  });

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (!isAllowed(socket)) {
      counters.refusedUpgrades += 1;
      const headers = { ...reply.headers, "Content-Length": String(Buffer.byteLength(reply.body)) };
      socket.end(
        `HTTP/1.1 ${reply.status} ${reply.reason}\r\n` +
          Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join("") +
          `Connection: close\r\n\r\n${reply.body}`,
      );
      return;
    }
    counters.forwarded += 1;
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === "host" ? target.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    counters,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}
