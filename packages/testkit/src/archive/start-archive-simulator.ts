import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { strToU8, zipSync } from "fflate";
import { createSeriesSource, type SeriesSource } from "../series/index.js";
import { buildArchiveCsv } from "./archive-csv.js";
import { DEFAULT_ARCHIVE_DEFECTS, type ArchiveDefects } from "./archive-defects.js";
import { parseArchivePath, type ArchiveRequest } from "./archive-paths.js";

export interface ArchiveSimulatorOptions {
  /** Seed of the series generator; the same seed as the exchange simulator makes archive and REST agree. Default 1. */
  readonly seed?: number;
  /** Default DEFAULT_ARCHIVE_DEFECTS; pass NO_ARCHIVE_DEFECTS for a flawless archive. */
  readonly defects?: ArchiveDefects;
  /** The present: a monthly file exists once its month has ended, a daily file once its day has. Default Date.now. */
  readonly nowMs?: () => number;
  /** Series to serve instead of the generator (share the exchange simulator's to agree with it). */
  readonly series?: SeriesSource;
  /**
   * Recorded CSV text served inside the zip at that path instead of a generated one, e.g.
   * `data/futures/um/daily/bookDepth/BTCUSDT/BTCUSDT-bookDepth-2025-05-19.zip` -> real rows.
   */
  readonly recordedCsv?: Readonly<Record<string, string>>;
}

export interface ArchiveCounters {
  requests: number;
  zips: number;
  checksums: number;
  notFound: number;
  bytesServed: number;
}

export interface ArchiveSimulator {
  /** Base URL, as CEXDATA_ARCHIVE_URL: files are at `${url}/data/spot/...`. */
  readonly url: string;
  readonly counters: ArchiveCounters;
  readonly defects: ArchiveDefects;
  stop(): Promise<void>;
}

const CACHE_CAP = 64;

/** A test double of data.binance.vision: kline, fundingRate, metrics and bookDepth zips with their .CHECKSUM files. */
export async function startArchiveSimulator(opts: ArchiveSimulatorOptions = {}): Promise<ArchiveSimulator> {
  const series = opts.series ?? createSeriesSource({ seed: opts.seed ?? 1 });
  const defects = opts.defects ?? DEFAULT_ARCHIVE_DEFECTS;
  const nowMs = opts.nowMs ?? Date.now;
  const counters: ArchiveCounters = { requests: 0, zips: 0, checksums: 0, notFound: 0, bytesServed: 0 };
  const zips = new Map<string, Uint8Array | null>();

  // Zips are rebuilt on demand; a small cache keeps a zip and its CHECKSUM fetched together cheap.
  const zipFor = (req: ArchiveRequest): Uint8Array | null => {
    const cached = zips.get(req.zipPath);
    if (cached !== undefined) return cached;
    const csv = opts.recordedCsv?.[req.zipPath] ?? buildArchiveCsv(series, defects, req);
    // A fixed mtime (the period's start) keeps the bytes, and so the checksum, stable across runs.
    const zip =
      csv === null
        ? null
        : zipSync({
            [req.zipName.replace(/\.zip$/, ".csv")]: [strToU8(csv), { mtime: new Date(req.startMs) }],
          });
    if (zips.size >= CACHE_CAP) zips.delete(zips.keys().next().value!);
    zips.set(req.zipPath, zip);
    return zip;
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(err));
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    counters.requests++;
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://archive").pathname).replace(/^\/+/, "");
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(req, res, 405, "text/plain", strToU8("Method Not Allowed"));
    const parsed = parseArchivePath(path);
    // Binance publishes a month once it has ended and a day once it has ended; nothing before.
    const published = parsed !== null && parsed.endMs <= nowMs();
    const zip = published ? zipFor(parsed) : null;
    if (!parsed || !zip) {
      counters.notFound++;
      return send(req, res, 404, "application/xml", strToU8(noSuchKey(path)));
    }
    if (!parsed.checksum) {
      counters.zips++;
      return send(req, res, 200, "application/zip", zip);
    }
    counters.checksums++;
    const digest = defects.badChecksums.includes(parsed.zipPath)
      ? createHash("sha256").update(zip).update("re-issued").digest("hex")
      : createHash("sha256").update(zip).digest("hex");
    // `<sha256>  <name>.zip`, two spaces, no trailing newline, as Binance writes it.
    send(req, res, 200, "binary/octet-stream", strToU8(`${digest}  ${parsed.zipName}`));
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    body: Uint8Array,
  ): void {
    res.writeHead(status, {
      "Content-Type": type,
      "Content-Length": body.length,
      ETag: `"${createHash("md5").update(body).digest("hex")}"`,
    });
    if (req.method === "HEAD") return void res.end();
    counters.bytesServed += body.length;
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counters,
    defects,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** S3's answer for a missing object, which is what data.binance.vision sends. */
function noSuchKey(key: string): string {
  const escaped = key.replace(/[<>&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" })[c]!);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${escaped}</Key></Error>`;
}
