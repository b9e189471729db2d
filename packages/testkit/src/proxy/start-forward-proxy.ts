import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";

export interface ForwardProxyOptions {
  /** With a password, every request must carry `Proxy-Authorization: Basic` for these credentials. */
  readonly username?: string;
  readonly password?: string;
  /**
   * Local address the proxy's outgoing connections leave from, e.g. `127.0.0.2`: a server that
   * looks at the client address sees the proxy, not the client (a proxy "in another country").
   */
  readonly egressAddress?: string;
}

export interface ForwardProxy {
  /** `http://user:pass@127.0.0.1:<port>`, or without credentials when none are required. */
  readonly url: string;
  /** Proxied requests and tunnels per target `host:port`, counted once authorized. */
  readonly requests: Readonly<Record<string, number>>;
  /** Of `requests`, those opened as `CONNECT` tunnels (https, websockets, or any target a client tunnels). */
  readonly tunnels: Readonly<Record<string, number>>;
  /** Requests answered 407 for missing or wrong credentials. */
  readonly refusedAuth: number;
  /** Closes the listener and every open connection and tunnel; safe to call more than once. */
  stop(): Promise<void>;
}

/** `host:port` of a CONNECT target or an absolute URI; null when it is neither. */
function targetOf(req: IncomingMessage): { host: string; port: number; path: string } | null {
  const raw = req.url ?? "";
  if (req.method === "CONNECT") {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(raw);
    return match ? { host: match[1] ?? "", port: Number(match[2]), path: "" } : null;
  }
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:") return null;
    return {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 80),
      path: url.pathname + url.search,
    };
  } catch {
    return null;
  }
}

/** Hop-by-hop headers a proxy must not pass on (RFC 9110 7.6.1), plus its own credentials. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * A real HTTP forward proxy on 127.0.0.1: absolute-URI requests (`GET http://host:port/path`) are
 * forwarded, `CONNECT host:port` opens a byte tunnel (https, websockets). Lets tests prove traffic
 * took the proxy, with its credentials, and, through `egressAddress`, from another address.
 */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const requests: Record<string, number> = {};
  const tunnels: Record<string, number> = {};
  let refusedAuth = 0;
  const open = new Set<Socket | Duplex>();
  const expected =
    options.password === undefined
      ? null
      : `Basic ${Buffer.from(`${options.username ?? ""}:${options.password}`).toString("base64")}`;
  const authorized = (req: IncomingMessage): boolean => {
    if (expected === null || req.headers["proxy-authorization"] === expected) return true;
    refusedAuth++;
    return false;
  };
  const count = (key: string, tunnel: boolean) => {
    requests[key] = (requests[key] ?? 0) + 1;
    if (tunnel) tunnels[key] = (tunnels[key] ?? 0) + 1;
  };
  const track = (socket: Socket | Duplex) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  };
  const localAddress = options.egressAddress === undefined ? {} : { localAddress: options.egressAddress };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!authorized(req)) {
      res.writeHead(407, { "Proxy-Authenticate": 'Basic realm="testkit"', Connection: "close" }).end();
      return;
    }
    const target = targetOf(req);
    if (target === null) {
      res.writeHead(400, { "Content-Type": "text/plain" }).end("absolute http:// URI or CONNECT expected");
      return;
    }
    count(`${target.host}:${target.port}`, false);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
    );
    const upstream = httpRequest(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: req.method,
        headers,
        ...localAddress,
      },
      (answer) => {
        const passed = Object.fromEntries(
          Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
        );
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, passed);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "Content-Type": "text/plain" }).end(`upstream: ${error.message}`);
    });
    req.pipe(upstream);
  });

  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on("error", () => client.destroy());
    if (!authorized(req)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="testkit"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    const target = targetOf(req);
    if (target === null) {
      client.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    count(`${target.host}:${target.port}`, true);
    const upstream = connect({ host: target.host, port: target.port, ...localAddress }, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on("error", () => {
      if (!client.destroyed)
        client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  server.on("connection", track);

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const auth =
    options.password === undefined
      ? ""
      : `${encodeURIComponent(options.username ?? "")}:${encodeURIComponent(options.password)}@`;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${auth}127.0.0.1:${port}`,
    requests,
    tunnels,
    get refusedAuth() {
      return refusedAuth;
    },
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of open) socket.destroy();
        server.closeAllConnections();
      })),
  };
}
