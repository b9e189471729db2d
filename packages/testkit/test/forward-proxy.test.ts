import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startForwardProxy, type ForwardProxy } from "../src/index.js";

/** A target that answers with the address its client connected from. */
let target: Server;
let targetPort: number;
const proxies: ForwardProxy[] = [];

beforeAll(async () => {
  target = createServer((req, res) => {
    const body = `${req.method} ${req.url} from ${req.socket.remoteAddress}`;
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetPort = (target.address() as { port: number }).port;
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

async function proxy(options: Parameters<typeof startForwardProxy>[0] = {}): Promise<ForwardProxy> {
  const started = await startForwardProxy(options);
  proxies.push(started);
  return started;
}

function basic(proxyUrl: string): string {
  const url = new URL(proxyUrl);
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/** `GET http://127.0.0.1:<target>/path` sent to the proxy, as a forward-proxy client does. */
function getThrough(
  proxyUrl: string,
  path: string,
  authorization?: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: `http://127.0.0.1:${targetPort}${path}`,
        headers: authorization ? { "Proxy-Authorization": authorization } : {},
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject).end();
  });
}

/** Opens a CONNECT tunnel to the target and speaks plain HTTP through it. */
function getThroughTunnel(
  proxyUrl: string,
  path: string,
  authorization?: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port,
      method: "CONNECT",
      path: `127.0.0.1:${targetPort}`,
      headers: authorization ? { "Proxy-Authorization": authorization } : {},
      agent: false,
    });
    req.on("connect", (res, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, body: "" });
        return;
      }
      let raw = "";
      socket.on("data", (c: Buffer) => (raw += c.toString()));
      socket.on("end", () => resolve({ status: 200, body: raw.split("\r\n\r\n").slice(1).join("\r\n\r\n") }));
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${targetPort}\r\nConnection: close\r\n\r\n`);
    });
    req.on("error", reject).end();
  });
}

describe("startForwardProxy", () => {
  it("forwards absolute-URI requests and counts them per target", async () => {
    const p = await proxy({ username: "ann", password: "s3cret:pw" });
    expect(p.url).toMatch(/^http:\/\/ann:s3cret%3Apw@127\.0\.0\.1:\d+$/);
    const res = await getThrough(p.url, "/api/v3/ping?x=1", basic(p.url));
    expect(res.status).toBe(200);
    expect(res.body).toBe("GET /api/v3/ping?x=1 from 127.0.0.1");
    expect(p.requests).toEqual({ [`127.0.0.1:${targetPort}`]: 1 });
    expect(p.tunnels).toEqual({});
    expect(p.refusedAuth).toBe(0);
  });

  it("opens CONNECT tunnels", async () => {
    const p = await proxy({ username: "ann", password: "pw" });
    const res = await getThroughTunnel(p.url, "/through/tunnel", basic(p.url));
    expect(res.status).toBe(200);
    expect(res.body).toBe("GET /through/tunnel from 127.0.0.1");
    expect(p.tunnels).toEqual({ [`127.0.0.1:${targetPort}`]: 1 });
    expect(p.requests).toEqual({ [`127.0.0.1:${targetPort}`]: 1 });
  });

  it("answers 407 with Proxy-Authenticate to a missing or wrong password, and passes nothing on", async () => {
    const p = await proxy({ username: "ann", password: "right" });
    const missing = await getThrough(p.url, "/x");
    expect(missing.status).toBe(407);
    expect(missing.headers["proxy-authenticate"]).toBe('Basic realm="testkit"');
    const wrong = await getThroughTunnel(p.url, "/x", basic(p.url.replace(":right@", ":wrong@")));
    expect(wrong.status).toBe(407);
    expect(p.refusedAuth).toBe(2);
    expect(p.requests).toEqual({});
  });

  it("needs no credentials when none are configured", async () => {
    const p = await proxy();
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await getThrough(p.url, "/open")).body).toBe("GET /open from 127.0.0.1");
  });

  it("leaves from its egress address, so the target sees the proxy's address, not the client's", async () => {
    const p = await proxy({ egressAddress: "127.0.0.2" });
    expect((await getThrough(p.url, "/where")).body).toBe("GET /where from 127.0.0.2");
    expect((await getThroughTunnel(p.url, "/where")).body).toBe("GET /where from 127.0.0.2");
  });
});
