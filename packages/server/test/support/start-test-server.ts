import { mkdtemp, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { Dataset } from "@cexdata/client";
import { pino } from "pino";
import { startServer, type RunningServer, type StartServerParams } from "../../src/index.js";

/** Log lines the server wrote, parsed, so tests can look at them. */
export function captureLogs(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n"))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

/** The server on an ephemeral port over `datasetDir`, with its own Dataset (the tests compare against another). */
export async function startTestServer(
  datasetDir: string,
  extra: Partial<StartServerParams> = {},
): Promise<RunningServer & { logs: Record<string, unknown>[] }> {
  const { logger, lines } = captureLogs();
  const dataset = new Dataset({ source: datasetDir, cacheDir: path.join(datasetDir, ".cache-server") });
  const server = await startServer({ dataset, port: 0, logger, ...extra });
  const closeServer = server.close;
  return Object.assign(server, {
    logs: lines,
    close: async () => {
      await closeServer();
      await dataset.close();
    },
  });
}

/** A private copy of the shared dataset, for tests that write into it (the live collector). */
export async function copyDataset(datasetDir: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "cexdata-server-copy-"));
  await cp(datasetDir, dir, { recursive: true, filter: (src) => !path.basename(src).startsWith(".cache") });
  return dir;
}
