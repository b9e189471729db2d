import { findRepo, repoTypeOf, type HubContext, type HubRouteDef } from "./hub-context.js";
import { HubResponseError, type StoredFile } from "./hub-store.js";
import { lfsPointer } from "./git-objects.js";
import { parseRange } from "./http-io.js";

const FILE_URL = (kind: string) =>
  new RegExp(`^/(?:(datasets|spaces)/)?([^/]+)/([^/]+)/${kind}/([^/]+)/(.+)$`);

function fileOf(ctx: HubContext): { file: StoredFile; commitOid: string; cdnPrefix: string } {
  const [typeSegment, org, name, revision, path] = ctx.params;
  const repo = findRepo(ctx, repoTypeOf(typeSegment), org!, name!);
  const commit = repo.resolve(revision!);
  const file = commit.files.get(path!);
  if (!file) throw new HubResponseError(404, "Entry not found", "EntryNotFound");
  return { file, commitOid: commit.oid, cdnPrefix: `${ctx.baseUrl}/__cdn/${repo.type}s/${repo.name}` };
}

export const fileRoutes: readonly HubRouteDef[] = [
  {
    // A regular file is served here; an LFS file is a 302 to the CDN, with its sha256 and size in
    // X-Linked-* headers, as on the Hub (fetch follows the redirect, Range header included).
    route: "resolve",
    methods: ["GET", "HEAD"],
    pattern: FILE_URL("resolve"),
    write: false,
    handle(ctx) {
      const { file, commitOid, cdnPrefix } = fileOf(ctx);
      if (!file.lfs) {
        serveBytes(ctx, file.content, `"${file.oid}"`, { "X-Repo-Commit": commitOid });
        return;
      }
      ctx.res.writeHead(302, {
        Location: `${cdnPrefix}/${file.lfs.sha256}`,
        ETag: `"${file.lfs.sha256}"`,
        "X-Linked-ETag": `"${file.lfs.sha256}"`,
        "X-Linked-Size": String(file.size),
        "X-Repo-Commit": commitOid,
        "Content-Length": 0,
      });
      ctx.res.end();
    },
  },
  {
    // The git view: an LFS file's pointer rather than its content.
    route: "raw",
    methods: ["GET", "HEAD"],
    pattern: FILE_URL("raw"),
    write: false,
    handle(ctx) {
      const { file, commitOid } = fileOf(ctx);
      const body = file.lfs ? lfsPointer(file.lfs.sha256, file.size) : file.content;
      serveBytes(ctx, body, `"${file.oid}"`, { "X-Repo-Commit": commitOid });
    },
  },
  {
    // Content-addressed LFS storage (cdn-lfs / cas-bridge on the real Hub).
    route: "cdn",
    methods: ["GET", "HEAD"],
    pattern: /^\/__cdn\/(models|datasets|spaces)\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/,
    write: false,
    handle(ctx) {
      const [typeSegment, org, name, sha256] = ctx.params;
      const repo = findRepo({ ...ctx, authenticated: true }, repoTypeOf(typeSegment), org!, name!);
      const content = repo.lfsObjects.get(sha256!);
      if (!content) throw new HubResponseError(404, "Not Found");
      serveBytes(ctx, content, `"${sha256}"`, {});
    },
  },
];

/** Sends a file with ETag, If-None-Match (304), single byte ranges (206/416), HEAD and the truncate fault. */
function serveBytes(ctx: HubContext, content: Uint8Array, etag: string, extra: Record<string, string>): void {
  const { req, res } = ctx;
  const headers: Record<string, string | number> = {
    ...extra,
    ETag: etag,
    "Accept-Ranges": "bytes",
    "Content-Type": looksBinary(content) ? "application/octet-stream" : "text/plain; charset=utf-8",
  };
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const range = parseRange(req.headers.range, content.length);
  if (range === "unsatisfiable") {
    res.writeHead(416, { ...headers, "Content-Range": `bytes */${content.length}`, "Content-Length": 0 });
    res.end();
    return;
  }
  const [start, end] = range ?? [0, content.length - 1];
  const body = content.subarray(start, end + 1);
  if (range) headers["Content-Range"] = `bytes ${start}-${end}/${content.length}`;
  res.writeHead(range ? 206 : 200, { ...headers, "Content-Length": body.length });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  if (ctx.fault?.kind === "truncate") {
    const half = body.subarray(0, Math.floor(body.length / 2));
    ctx.counters.bytesServed += half.length;
    res.write(half, () => res.destroy());
    return;
  }
  ctx.counters.bytesServed += body.length;
  res.end(body);
}

function looksBinary(content: Uint8Array): boolean {
  return content.subarray(0, 8000).includes(0);
}
