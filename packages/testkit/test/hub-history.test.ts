import { HubApiError, commit, createRepo, listCommits } from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "../src/hub/start-hub-simulator.js";

// The Hub's tag and super-squash endpoints as huggingface_hub calls them (create_tag, delete_tag,
// super_squash_history), and the per-commit operation limit a test can set.
const repo = { type: "dataset", name: "cexdata/history" } as const;
const api = "/api/datasets/cexdata/history";
let hub: HubSimulator;
let credentials: { hubUrl: string; accessToken: string };

const post = (path: string, body: unknown, method = "POST") =>
  fetch(`${hub.url}${api}${path}`, {
    method,
    headers: { Authorization: `Bearer ${hub.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
const resolve = (revision: string, path: string) =>
  fetch(`${hub.url}/datasets/cexdata/history/resolve/${revision}/${path}`);
const put = (path: string, text: string, title: string) =>
  commit({
    repo,
    ...credentials,
    title,
    operations: [{ operation: "addOrUpdate", path, content: new Blob([text]) }],
  }).then((out) => out!.commit.oid);

beforeAll(async () => {
  hub = await startHubSimulator();
  credentials = { hubUrl: hub.url, accessToken: hub.token };
  await createRepo({ repo, ...credentials });
});
afterAll(() => hub.stop());

describe("the operation limit", () => {
  it("refuses a commit of more operations than the limit with 413, and applies nothing", async () => {
    hub.setMaxOperationsPerCommit(3);
    const head = hub.headOf(repo);
    const error = await commit({
      repo,
      ...credentials,
      title: "too big",
      operations: ["a", "b", "c", "d"].map((n) => ({
        operation: "addOrUpdate" as const,
        path: `${n}.txt`,
        content: new Blob([n]),
      })),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubApiError);
    expect(error).toMatchObject({ statusCode: 413 });
    expect((error as Error).message).toMatch(/4 operations is over this Hub's limit of 3/);
    expect(hub.headOf(repo)).toBe(head);
    hub.setMaxOperationsPerCommit(undefined);
  });
});

describe("tags and super-squash", () => {
  it("tags a revision, refuses a second tag of the same name (409), and deletes it", async () => {
    const one = await put("data.txt", "one", "v1");
    expect((await post(`/tag/${one}`, { tag: "v1", message: "version 1" })).status).toBe(200);
    expect(hub.listTags(repo)).toEqual({ v1: one });
    expect((await post("/tag/main", { tag: "v1" })).status).toBe(409);
    expect(await (await resolve("v1", "data.txt")).text()).toBe("one");
    expect((await post("/tag/v1", {}, "DELETE")).status).toBe(200);
    const gone = await resolve("v1", "data.txt");
    expect(gone.status).toBe(404);
    expect(gone.headers.get("X-Error-Code")).toBe("RevisionNotFound");
    expect((await post("/tag/v1", {}, "DELETE")).status).toBe(404);
  });

  it("squashes main into one root commit with the head's files; tags keep their commits, other ids 404", async () => {
    const two = await put("data.txt", "two", "v2");
    await post(`/tag/${two}`, { tag: "v2" });
    const three = await put("data.txt", "three", "v3");
    const four = await put("data.txt", "four", "v4");
    const before = hub.lfsObjectIds(repo);

    const squash = await post("/super-squash/main", {
      message: "Super-squash branch 'main' using huggingface_hub",
    });
    expect(squash.status).toBe(200);
    const history = [];
    for await (const c of listCommits({ repo, ...credentials })) history.push(c);
    expect(history).toHaveLength(1);
    expect(history[0]!.title).toBe("Super-squash branch 'main' using huggingface_hub");
    expect(history[0]!.oid).not.toBe(four);
    expect(await (await resolve("main", "data.txt")).text()).toBe("four");
    // The tag still resolves, with its history: the tagged commit by id too.
    expect(await (await resolve("v2", "data.txt")).text()).toBe("two");
    expect(await (await resolve(two, "data.txt")).text()).toBe("two");
    // Commits only main reached are gone.
    for (const oid of [three, four]) {
      const answer = await resolve(oid, "data.txt");
      expect(answer.status).toBe(404);
      expect(answer.headers.get("X-Error-Code")).toBe("RevisionNotFound");
    }
    expect(hub.lfsObjectIds(repo)).toEqual(before);
  });

  it("refuses to squash a tag (400) or a missing branch (404)", async () => {
    expect((await post("/super-squash/v2", { message: "x" })).status).toBe(400);
    const missing = await post("/super-squash/nope", { message: "x" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("X-Error-Code")).toBe("RevisionNotFound");
  });

  it("drops LFS objects no remaining commit holds once their last tag is deleted", async () => {
    const big = new Uint8Array(11 * 1024 * 1024).fill(7);
    const withLfs = await commit({
      repo,
      ...credentials,
      title: "lfs",
      operations: [{ operation: "addOrUpdate", path: "big.parquet", content: new Blob([big]) }],
    }).then((out) => out!.commit.oid);
    await post(`/tag/${withLfs}`, { tag: "big" });
    await commit({
      repo,
      ...credentials,
      title: "rm",
      operations: [{ operation: "delete", path: "big.parquet" }],
    });
    await post("/super-squash/main", { message: "squash" });
    expect(hub.lfsObjectIds(repo)).toHaveLength(1);
    await post("/tag/big", {}, "DELETE");
    expect(hub.lfsObjectIds(repo)).toEqual([]);
  });

  it("refuses tag and squash calls without the write token", async () => {
    const anonymous = await fetch(`${hub.url}${api}/super-squash/main`, { method: "POST", body: "{}" });
    expect(anonymous.status).toBe(401);
  });
});
