import { randomBytes } from "node:crypto";
import { commit, createRepo, downloadFile, repoExists, uploadFiles } from "@huggingface/hub";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "../src/hub/start-hub-simulator.js";

const repo = { type: "dataset", name: "cexdata/faults" } as const;
let hub: HubSimulator;
let v1: string;

beforeEach(async () => {
  hub = await startHubSimulator();
  await createRepo({ repo, hubUrl: hub.url, accessToken: hub.token });
  v1 = hub.commitFiles(repo, { "spec.json": '{"version":1}', "data/a.parquet": new Uint8Array([0, 1, 2]) });
});
afterEach(() => hub.stop());

function publish(version: number, parentCommit: string) {
  return uploadFiles({
    repo,
    hubUrl: hub.url,
    accessToken: hub.token,
    parentCommit,
    commitTitle: `publish v${version}`,
    files: [
      { path: "spec.json", content: new Blob([`{"version":${version}}`]) },
      { path: "data/b.parquet", content: new Blob([new Uint8Array(randomBytes(2048))]) },
    ],
  });
}

describe("hub simulator faults", () => {
  it("fails the Nth commit with a 5xx and leaves the previous revision whole", async () => {
    hub.faults.inject({ route: "commit", skip: 1, status: 503 });
    const v2 = (await publish(2, v1))!.commit.oid;
    await expect(publish(3, v2)).rejects.toMatchObject({ statusCode: 503 });
    expect(hub.headOf(repo)).toBe(v2);
    expect(new TextDecoder().decode(hub.getFile(repo, "main", "spec.json"))).toBe('{"version":2}');
    expect(hub.faults.pending).toBe(0);
    const v3 = (await publish(3, v2))!.commit.oid;
    expect(hub.headOf(repo)).toBe(v3);
  });

  it("drops the connection in the middle of an LFS upload without touching main", async () => {
    hub.faults.inject({ route: "lfs-upload", kind: "reset" });
    await expect(publish(2, v1)).rejects.toThrow();
    expect(hub.headOf(repo)).toBe(v1);
    expect(hub.listPaths(repo)).toEqual([".gitattributes", "data/a.parquet", "spec.json"]);
    expect(hub.counters.requests.commit).toBe(0);
  });

  it("can apply a commit and lose its answer, so a retry with the same parent meets a 412", async () => {
    hub.faults.inject({ route: "commit", kind: "after-apply", status: 502 });
    await expect(publish(2, v1)).rejects.toMatchObject({ statusCode: 502 });
    const landed = hub.headOf(repo);
    expect(landed).not.toBe(v1);
    expect(new TextDecoder().decode(hub.getFile(repo, landed!, "spec.json"))).toBe('{"version":2}');
    await expect(publish(2, v1)).rejects.toMatchObject({ statusCode: 412 });
  });

  it("refuses a commit referencing an LFS object that was never uploaded", async () => {
    const attempt = fetch(`${hub.url}/api/datasets/${repo.name}/commit/main`, {
      method: "POST",
      headers: { Authorization: `Bearer ${hub.token}`, "Content-Type": "application/x-ndjson" },
      body: [
        { key: "header", value: { summary: "bogus" } },
        { key: "lfsFile", value: { path: "x.parquet", algo: "sha256", oid: "ab".repeat(32), size: 10 } },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    });
    expect((await attempt).status).toBe(400);
    expect(hub.headOf(repo)).toBe(v1);
  });

  it("truncates a download when asked, promising the full length", async () => {
    hub.faults.inject({ route: "cdn", kind: "truncate" });
    const res = await fetch(`${hub.url}/datasets/${repo.name}/resolve/main/data/a.parquet`);
    expect(res.headers.get("content-length")).toBe("3");
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it("counts requests per route", async () => {
    await commit({
      repo,
      hubUrl: hub.url,
      accessToken: hub.token,
      title: "t",
      operations: [{ operation: "addOrUpdate", path: "a.txt", content: new Blob(["a"]) }],
    });
    expect(hub.counters.requests.preupload).toBe(1);
    expect(hub.counters.requests.commit).toBe(1);
    expect(hub.counters.requests["lfs-batch"]).toBe(0);
  });

  it("answers 429 with the Retry-After it was given, then serves the file", async () => {
    hub.faults.inject({ route: "resolve", status: 429, retryAfter: "7" });
    const url = `${hub.url}/datasets/${repo.name}/resolve/main/spec.json`;
    const limited = await fetch(url);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    await limited.body?.cancel();
    const ok = await fetch(url);
    expect(await ok.text()).toBe('{"version":1}');
  });
});

describe("a private repo on the hub simulator", () => {
  it("answers 401 without the token, as for a missing repo, and serves it with the token", async () => {
    const secret = { type: "dataset", name: "cexdata/private" } as const;
    await createRepo({ repo: secret, hubUrl: hub.url, accessToken: hub.token, private: true });
    hub.commitFiles(secret, { "spec.json": '{"version":1}' });
    const url = `${hub.url}/datasets/${secret.name}/resolve/main/spec.json`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-error-code")).toBe("RepoNotFound");
    await anonymous.body?.cancel();
    expect(await repoExists({ repo: secret, hubUrl: hub.url })).toBe(false);
    const blob = await downloadFile({
      repo: secret,
      path: "spec.json",
      hubUrl: hub.url,
      accessToken: hub.token,
    });
    expect(await blob?.text()).toBe('{"version":1}');

    hub.setPrivate(secret, false);
    expect((await fetch(url)).status).toBe(200);
  });
});
