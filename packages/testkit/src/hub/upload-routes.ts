import { findRepo, repoTypeOf, webUrlOf, type HubContext, type HubRouteDef } from "./hub-context.js";
import { HubResponseError, type CommitOperationInput } from "./hub-store.js";
import { isRecord, parseJson, readBody, sendJson } from "./http-io.js";
import { sha256Hex } from "./git-objects.js";
import { chooseUploadMode } from "./upload-mode.js";

const REPO = "/api/(models|datasets|spaces)/([^/]+)/([^/]+)";
const LFS_JSON = { "Content-Type": "application/vnd.git-lfs+json" };

function repoOf(ctx: HubContext) {
  const [typeSegment, org, name] = ctx.params;
  return findRepo(ctx, repoTypeOf(typeSegment), org!, name!);
}

function refusePullRequests(ctx: HubContext): void {
  if (ctx.url.searchParams.has("create_pr")) {
    throw new HubResponseError(400, "The Hub simulator does not support pull requests (create_pr)");
  }
}

export const uploadRoutes: readonly HubRouteDef[] = [
  {
    // Decides, per file, whether the commit carries it inline ("regular") or through LFS.
    route: "preupload",
    methods: ["POST"],
    pattern: new RegExp(`^${REPO}/preupload/([^/]+)$`),
    write: true,
    async handle(ctx) {
      refusePullRequests(ctx);
      const repo = repoOf(ctx);
      const head = repo.resolve(ctx.params[3]!);
      const body = parseJson(await readBody(ctx.req));
      if (!isRecord(body) || !Array.isArray(body.files)) throw new HubResponseError(400, "Missing files");
      const attributes =
        typeof body.gitAttributes === "string"
          ? body.gitAttributes
          : new TextDecoder().decode(head.files.get(".gitattributes")?.content ?? new Uint8Array());
      const files = body.files.filter(isRecord).map((f) => {
        const path = String(f.path);
        const sample = Buffer.from(String(f.sample ?? ""), "base64");
        const uploadMode = chooseUploadMode({
          path,
          size: Number(f.size),
          sample,
          gitAttributes: attributes,
        });
        const existing = head.files.get(path);
        return { path, uploadMode, shouldIgnore: false, ...(existing && { oid: existing.oid }) };
      });
      sendJson(ctx.res, 200, { files, commitOid: head.oid });
    },
  },
  {
    // git-lfs batch API. Answers the "basic" transfer (one PUT per object), which @huggingface/hub
    // then uses even with useXet on: it only takes the xet path when the answer says "xet".
    route: "lfs-batch",
    methods: ["POST"],
    pattern: /^\/(?:(datasets|spaces)\/)?([^/]+)\/([^/]+)\.git\/info\/lfs\/objects\/batch$/,
    write: true,
    async handle(ctx) {
      const repo = repoOf(ctx);
      const body = parseJson(await readBody(ctx.req));
      if (!isRecord(body) || !Array.isArray(body.objects)) throw new HubResponseError(400, "Missing objects");
      const download = body.operation === "download";
      const key = `${repo.type}s/${repo.name}`;
      const objects = body.objects.filter(isRecord).map((o) => {
        const oid = String(o.oid);
        const size = Number(o.size);
        if (!/^[0-9a-f]{64}$/.test(oid) || !Number.isInteger(size) || size < 0) {
          return {
            oid,
            size,
            error: { code: 422, message: "Invalid object: oid must be a sha256, size an integer" },
          };
        }
        const stored = repo.lfsObjects.get(oid);
        if (download) {
          if (!stored) return { oid, size, error: { code: 404, message: "Object does not exist" } };
          return {
            oid,
            size,
            authenticated: true,
            actions: { download: { href: `${ctx.baseUrl}/__cdn/${key}/${oid}` } },
          };
        }
        if (stored) return { oid, size, authenticated: true }; // already uploaded: no action, as git-lfs specifies
        const target = `${key}/${oid}/${size}`;
        const href = `${ctx.baseUrl}/__lfs-upload/${target}?sig=${ctx.sign(target)}`;
        return { oid, size, authenticated: true, actions: { upload: { href, expires_in: 86400 } } };
      });
      sendJson(ctx.res, 200, { transfer: "basic", objects }, LFS_JSON);
    },
  },
  {
    // Stands in for the presigned storage URL the batch answer hands out: no token, a signature instead.
    route: "lfs-upload",
    methods: ["PUT"],
    pattern: /^\/__lfs-upload\/(models|datasets|spaces)\/([^/]+)\/([^/]+)\/([0-9a-f]{64})\/(\d+)$/,
    write: false,
    async handle(ctx) {
      const [typeSegment, org, name, oid, size] = ctx.params;
      const target = `${typeSegment}/${org}/${name}/${oid}/${size}`;
      if (ctx.url.searchParams.get("sig") !== ctx.sign(target)) {
        throw new HubResponseError(403, "Request has expired or its signature does not match");
      }
      const repo = findRepo({ ...ctx, authenticated: true }, repoTypeOf(typeSegment), org!, name!);
      const body = await readBody(ctx.req);
      ctx.counters.bytesUploaded += body.length;
      if (body.length !== Number(size) || sha256Hex(body) !== oid) {
        throw new HubResponseError(400, `Uploaded content does not match oid ${oid} and size ${size}`);
      }
      repo.lfsObjects.set(oid!, new Uint8Array(body));
      ctx.counters.lfsUploads++;
      ctx.res.writeHead(200, { ETag: `"${oid!.slice(0, 32)}"`, "Content-Length": 0 });
      ctx.res.end();
    },
  },
  {
    route: "commit",
    methods: ["POST"],
    pattern: new RegExp(`^${REPO}/commit/([^/]+)$`),
    write: true,
    async handle(ctx) {
      refusePullRequests(ctx);
      const repo = repoOf(ctx);
      const body = await readBody(ctx.req);
      ctx.counters.bytesUploaded += body.length;
      const { header, operations } = parseCommitBody(body);
      const commit = ctx.store.commit(repo, { branch: ctx.params[3]!, ...header, operations });
      ctx.counters.commits++;
      if (ctx.fault?.kind === "after-apply") {
        sendJson(ctx.res, ctx.fault.status, {
          error: "Internal Error - the commit was applied, the answer lost",
        });
        return;
      }
      const commitUrl = `${webUrlOf(ctx, repo)}/commit/${commit.oid}`;
      sendJson(ctx.res, 200, { success: true, commitOid: commit.oid, commitUrl, hookOutput: "" });
    },
  },
];

/** The commit call's NDJSON body: a `header` line, then one line per operation. */
function parseCommitBody(body: Buffer): {
  header: { title: string; description?: string; parentCommit?: string };
  operations: CommitOperationInput[];
} {
  let header: { title: string; description?: string; parentCommit?: string } | undefined;
  const operations: CommitOperationInput[] = [];
  for (const line of body.toString("utf8").split("\n")) {
    if (line.trim() === "") continue;
    const item = parseJson(Buffer.from(line));
    if (!isRecord(item) || !isRecord(item.value)) throw new HubResponseError(400, "Invalid commit line");
    const v = item.value;
    const path = String(v.path);
    switch (item.key) {
      case "header":
        header = {
          title: String(v.summary ?? ""),
          ...(typeof v.description === "string" && { description: v.description }),
          ...(typeof v.parentCommit === "string" && { parentCommit: v.parentCommit }),
        };
        break;
      case "file":
        operations.push({
          kind: "file",
          path,
          content: new Uint8Array(
            Buffer.from(String(v.content ?? ""), v.encoding === "base64" ? "base64" : "utf8"),
          ),
        });
        break;
      case "lfsFile":
        operations.push({ kind: "lfsFile", path, sha256: String(v.oid), size: Number(v.size) });
        break;
      case "deletedFile":
        operations.push({ kind: "deletedFile", path });
        break;
      case "deletedFolder":
        operations.push({ kind: "deletedFolder", path });
        break;
      default:
        throw new HubResponseError(400, `Unknown commit operation key: ${String(item.key)}`);
    }
  }
  if (!header) throw new HubResponseError(400, "The first line of a commit must be its header");
  if (header.title.trim() === "") throw new HubResponseError(400, "A commit needs a summary");
  return { header, operations };
}
