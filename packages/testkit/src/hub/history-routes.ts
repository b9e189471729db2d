import { findRepo, repoTypeOf, type HubContext, type HubRouteDef } from "./hub-context.js";
import { collectGarbage, superSquash } from "./hub-history.js";
import { HubResponseError } from "./hub-store.js";
import { isRecord, parseJson, readBody, sendJson } from "./http-io.js";

const REPO = "/api/(models|datasets|spaces)/([^/]+)/([^/]+)";

function repoOf(ctx: HubContext) {
  const [typeSegment, org, name] = ctx.params;
  return findRepo(ctx, repoTypeOf(typeSegment), org!, name!);
}

async function bodyOf(ctx: HubContext): Promise<Record<string, unknown>> {
  const raw = await readBody(ctx.req);
  if (raw.length === 0) return {};
  const body = parseJson(raw);
  return isRecord(body) ? body : {};
}

export const historyRoutes: readonly HubRouteDef[] = [
  {
    // huggingface_hub's create_tag: POST .../tag/<revision> {tag, message?}; delete_tag: DELETE .../tag/<tag>.
    route: "tag",
    methods: ["POST", "DELETE"],
    pattern: new RegExp(`^${REPO}/tag/([^/]+)$`),
    write: true,
    async handle(ctx) {
      const repo = repoOf(ctx);
      if (ctx.req.method === "DELETE") {
        const tag = ctx.params[3]!;
        if (!repo.tags.delete(tag))
          throw new HubResponseError(404, `Invalid rev id: ${tag}`, "RevisionNotFound");
        // A deleted tag no longer holds its history: what nothing else reaches goes.
        collectGarbage(repo);
        sendJson(ctx.res, 200, {});
        return;
      }
      const body = await bodyOf(ctx);
      const tag = typeof body.tag === "string" ? body.tag : "";
      if (!/^[\w.-]+$/.test(tag)) throw new HubResponseError(400, `Invalid tag name: ${JSON.stringify(tag)}`);
      if (repo.tags.has(tag) || repo.branches.has(tag))
        throw new HubResponseError(409, `Tag ${tag} already exists`);
      repo.tags.set(tag, repo.resolve(ctx.params[3]!).oid);
      sendJson(ctx.res, 200, {});
    },
  },
  {
    // huggingface_hub's super_squash_history: POST .../super-squash/<branch> {message}.
    route: "super-squash",
    methods: ["POST"],
    pattern: new RegExp(`^${REPO}/super-squash/([^/]+)$`),
    write: true,
    async handle(ctx) {
      const repo = repoOf(ctx);
      const body = await bodyOf(ctx);
      const branch = ctx.params[3]!;
      const message =
        typeof body.message === "string" && body.message.trim() !== ""
          ? body.message
          : `Super-squash branch '${branch}'`;
      superSquash(ctx.store, repo, branch, message);
      ctx.counters.commits++;
      sendJson(ctx.res, 200, {});
    },
  },
];
