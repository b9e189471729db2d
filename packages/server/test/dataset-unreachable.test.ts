import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Dataset } from "@cexdata/client";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { captureLogs } from "./support/start-test-server.js";
import { startServer, type RunningServer } from "../src/index.js";

// The dataset lives behind an https-style base URL (a plain file server here); the server reads it
// through the client's verified cache. Then the file server goes away.
const datasetDir = inject("datasetDir");
let files: Server;
let server: RunningServer;
let dataset: Dataset;
let cacheDir: string;

beforeAll(async () => {
  files = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
    if (rel.includes("..")) return void res.writeHead(400).end();
    readFile(path.join(datasetDir, rel)).then(
      (body) => res.writeHead(200, { "content-length": body.length }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  cacheDir = await mkdtemp(path.join(tmpdir(), "cexdata-server-cache-"));
  const { port } = files.address() as AddressInfo;
  // ttl 0: every request re-checks spec.json, so the outage is noticed at once.
  dataset = new Dataset({
    source: `http://127.0.0.1:${port}`,
    cacheDir,
    ttlMs: 0,
    logger: { warn: () => undefined },
  });
  server = await startServer({ dataset, port: 0, logger: captureLogs().logger });
});
afterAll(async () => {
  await server?.close();
  await dataset?.close();
  if (files.listening) await new Promise((r) => files.close(r));
  await rm(cacheDir, { recursive: true, force: true });
});

it("with the dataset unreachable: cached answers still served, the rest 503 with the client's error", async () => {
  const candles = `${server.url}/v1/tokens/BTC/ohlcv?interval=1h&exchange=binance`;
  const before = await fetch(candles);
  expect(before.status).toBe(200);
  const rows = (await before.json()) as unknown[];
  expect(rows.length).toBeGreaterThan(24);

  files.closeAllConnections();
  await new Promise((r) => files.close(r));

  // The same answer, from the server's cache.
  const again = await fetch(candles);
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual(rows);
  // A new question over files the client already verified: answered from its cache.
  const narrower = await fetch(`${candles}&limit=5`);
  expect(narrower.status).toBe(200);
  expect(await narrower.json()).toEqual(rows.slice(-5));
  // A question needing files never fetched: 503 with the client's error, named.
  const funding = await fetch(`${server.url}/v1/tokens/BTC/funding-rates`);
  expect(funding.status).toBe(503);
  const body = (await funding.json()) as { error: string; message: string };
  expect(body.error).toBe("DatasetUnavailableError");
  expect(body.message).toMatch(/127\.0\.0\.1/);
  // And the process is still up.
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
});
