import { createHash } from "node:crypto";
import { findRepo, repoTypeOf, webUrlOf, type HubContext, type HubRouteDef } from "./hub-context.js";
import { HubResponseError, type RepoType } from "./hub-store.js";
import { lastCommitOf, listTree, pathsInfo } from "./hub-tree.js";
import { isRecord, parseJson, readBody, sendJson } from "./http-io.js";

const REPO = "/api/(models|datasets|spaces)/([^/]+)/([^/]+)";
const REPO_TYPES: readonly string[] = ["model", "dataset", "space"];

function repoOf(ctx: HubContext) {
  const [typeSegment, org, name] = ctx.params;
  return findRepo(ctx, repoTypeOf(typeSegment), org!, name!);
}

function nextLink(ctx: HubContext, key: string, value: string): Record<string, string> {
  const next = new URL(ctx.url.pathname + ctx.url.search, ctx.baseUrl);
  next.searchParams.set(key, value);
  return { Link: `<${next.href}>; rel="next"` };
}

/** A page of `items` and, when more remain, the Link header to the next (the Hub pages lists this way). */
function page<T>(ctx: HubContext, items: T[], cursorKey: string, defaultLimit: number) {
  const limit = Math.max(1, Number(ctx.url.searchParams.get("limit") ?? defaultLimit) || defaultLimit);
  const raw = ctx.url.searchParams.get(cursorKey);
  const start =
    cursorKey === "p"
      ? Number(raw ?? 0) * limit
      : Number(Buffer.from(raw ?? "", "base64url").toString() || 0);
  const slice = items.slice(start, start + limit);
  if (start + limit >= items.length) return { slice, headers: {} };
  const next =
    cursorKey === "p" ? String(start / limit + 1) : Buffer.from(String(start + limit)).toString("base64url");
  return { slice, headers: nextLink(ctx, cursorKey, next) };
}

export const repoRoutes: readonly HubRouteDef[] = [
  {
    route: "create-repo",
    methods: ["POST"],
    pattern: /^\/api\/repos\/create$/,
    write: true,
    async handle(ctx) {
      const body = parseJson(await readBody(ctx.req));
      if (!isRecord(body) || typeof body.name !== "string") throw new HubResponseError(400, "Missing name");
      const type = (typeof body.type === "string" ? body.type : "model") as RepoType;
      if (!REPO_TYPES.includes(type)) throw new HubResponseError(400, `Invalid repo type: ${type}`);
      const org = typeof body.organization === "string" ? body.organization : "testkit";
      const files = Array.isArray(body.files) ? body.files.filter(isRecord) : [];
      const repo = ctx.store.create(
        type,
        `${org}/${body.name}`,
        files.map((f) => ({
          path: String(f.path),
          content: Buffer.from(String(f.content), f.encoding === "base64" ? "base64" : "utf8"),
        })),
      );
      // @huggingface/hub sends `visibility`; the older API took `private: true`.
      repo.private = body.visibility === "private" || body.private === true;
      ctx.counters.commits++;
      const id = createHash("sha1").update(repo.name).digest("hex").slice(0, 24);
      sendJson(ctx.res, 200, { url: webUrlOf(ctx, repo), name: repo.name, id });
    },
  },
  {
    route: "repo-info",
    methods: ["GET"],
    pattern: new RegExp(`^${REPO}(?:/revision/([^/]+))?$`),
    write: false,
    handle(ctx) {
      const repo = repoOf(ctx);
      const commit = repo.resolve(ctx.params[3] ?? "main");
      sendJson(ctx.res, 200, {
        _id: createHash("sha1").update(repo.name).digest("hex").slice(0, 24),
        id: repo.name,
        author: repo.name.split("/")[0],
        sha: commit.oid,
        private: repo.private,
        gated: false,
        disabled: false,
        downloads: 0,
        likes: 0,
        tags: [],
        createdAt: repo.createdAt.toISOString(),
        lastModified: commit.date.toISOString(),
        siblings: [...commit.files.keys()].map((rfilename) => ({ rfilename })),
      });
    },
  },
  {
    route: "refs",
    methods: ["GET"],
    pattern: new RegExp(`^${REPO}/refs$`),
    write: false,
    handle(ctx) {
      const repo = repoOf(ctx);
      const refs = (kind: string, map: Map<string, string>) =>
        [...map].map(([name, targetCommit]) => ({ name, ref: `refs/${kind}/${name}`, targetCommit }));
      sendJson(ctx.res, 200, {
        branches: refs("heads", repo.branches),
        tags: refs("tags", repo.tags),
        converts: [],
      });
    },
  },
  {
    route: "tree",
    methods: ["GET"],
    pattern: new RegExp(`^${REPO}/tree/([^/]+)(?:/(.*))?$`),
    write: false,
    handle(ctx) {
      const repo = repoOf(ctx);
      const revision = ctx.params[3]!;
      const commit = repo.resolve(revision);
      const recursive =
        ctx.url.searchParams.get("recursive") === "true" || ctx.url.searchParams.get("recursive") === "1";
      const entries = listTree(commit, ctx.params[4] ?? "", recursive);
      const { slice, headers } = page(ctx, entries, "cursor", 1000);
      if (ctx.url.searchParams.get("expand") === "true") {
        const history = repo.history(revision);
        for (const entry of slice) entry.lastCommit = lastCommitOf(history, entry.path);
      }
      sendJson(ctx.res, 200, slice, headers);
    },
  },
  {
    route: "paths-info",
    methods: ["POST"],
    pattern: new RegExp(`^${REPO}/paths-info/([^/]+)$`),
    write: false,
    async handle(ctx) {
      const repo = repoOf(ctx);
      const body = parseJson(await readBody(ctx.req));
      const paths = isRecord(body) && Array.isArray(body.paths) ? body.paths.map(String) : [];
      const commit = repo.resolve(ctx.params[3]!);
      const entries = pathsInfo(commit, paths);
      if (isRecord(body) && body.expand === true) {
        const history = repo.history(ctx.params[3]!);
        for (const entry of entries) entry.lastCommit = lastCommitOf(history, entry.path);
      }
      sendJson(ctx.res, 200, entries);
    },
  },
  {
    route: "commits",
    methods: ["GET"],
    pattern: new RegExp(`^${REPO}/commits/([^/]+)$`),
    write: false,
    handle(ctx) {
      const history = repoOf(ctx).history(ctx.params[3]!);
      const { slice, headers } = page(ctx, history, "p", 100);
      const body = slice.map((c) => ({
        id: c.oid,
        title: c.title,
        message: c.message,
        authors: [{ user: "testkit", avatar: "" }],
        date: c.date.toISOString(),
      }));
      sendJson(ctx.res, 200, body, headers);
    },
  },
];
