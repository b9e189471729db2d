import { createHash, randomBytes } from "node:crypto";
import {
  HubApiError,
  commit,
  createRepo,
  datasetInfo,
  downloadFile,
  fileDownloadInfo,
  listCommits,
  listFiles,
  repoExists,
  uploadFiles,
} from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubSimulator, type HubSimulator } from "../src/hub/start-hub-simulator.js";

const repo = { type: "dataset", name: "cexdata/market-data" } as const;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const gitOid = (b: Uint8Array) => createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");

let hub: HubSimulator;
let credentials: { hubUrl: string; accessToken: string };
const readme = new TextEncoder().encode("---\nconfigs: []\n---\n# cexdata\n");
const spec = new TextEncoder().encode(JSON.stringify({ version: 1, tables: {} }));
const smallParquet = new Uint8Array([0x50, 0x41, 0x52, 0x31, 0, 1, 2, 3, 0x50, 0x41, 0x52, 0x31]);
const bigParquet = new Uint8Array(randomBytes(11 * 1024 * 1024));
let firstCommit: string;
let dataCommit: string;

beforeAll(async () => {
  hub = await startHubSimulator();
  credentials = { hubUrl: hub.url, accessToken: hub.token };
  await createRepo({ repo, ...credentials });
  firstCommit = hub.headOf("datasets/cexdata/market-data")!;
  const out = await uploadFiles({
    repo,
    ...credentials,
    parentCommit: firstCommit,
    commitTitle: "publish v1",
    files: [
      { path: "README.md", content: new Blob([readme]) },
      { path: "spec.json", content: new Blob([spec]) },
      { path: "data/ohlcv_1d/base=BTC/all.parquet", content: new Blob([smallParquet]) },
      { path: "data/ohlcv_1m/base=BTC/2024-01.parquet", content: new Blob([bigParquet]) },
    ],
  });
  dataCommit = out!.commit.oid;
});

afterAll(() => hub.stop());

describe("hub simulator driven by @huggingface/hub", () => {
  it("creates the repo with an initial commit and reports that it exists", async () => {
    expect(await repoExists({ repo, hubUrl: hub.url })).toBe(true);
    expect(await repoExists({ repo: { type: "dataset", name: "cexdata/nope" }, hubUrl: hub.url })).toBe(
      false,
    );
    expect(firstCommit).toMatch(/^[0-9a-f]{40}$/);
    const info = await datasetInfo({ name: repo.name, hubUrl: hub.url, additionalFields: ["sha"] });
    expect(info.sha).toBe(dataCommit);
  });

  it("lands every file in one commit, the small ones inline and the binary and large ones through LFS", async () => {
    expect(dataCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(hub.headOf(repo)).toBe(dataCommit);
    expect(hub.listCommits(repo).map((c) => c.title)).toEqual(["publish v1", "initial commit"]);
    expect(hub.counters.requests["lfs-upload"]).toBe(2);
    const entries = [];
    for await (const e of listFiles({ repo, recursive: true, hubUrl: hub.url, revision: dataCommit }))
      entries.push(e);
    const files = Object.fromEntries(entries.filter((e) => e.type === "file").map((e) => [e.path, e]));
    expect(Object.keys(files).sort()).toEqual([
      ".gitattributes",
      "README.md",
      "data/ohlcv_1d/base=BTC/all.parquet",
      "data/ohlcv_1m/base=BTC/2024-01.parquet",
      "spec.json",
    ]);
    expect(files["README.md"]).toMatchObject({ oid: gitOid(readme), size: readme.length });
    expect(files["README.md"]?.lfs).toBeUndefined();
    expect(files["data/ohlcv_1m/base=BTC/2024-01.parquet"]?.lfs).toMatchObject({
      oid: sha256(bigParquet),
      size: bigParquet.length,
    });
    expect(entries.some((e) => e.type === "directory" && e.path === "data/ohlcv_1m")).toBe(true);
  });

  it("downloads each file by commit id and by branch", async () => {
    for (const [path, bytes] of [
      ["README.md", readme],
      ["data/ohlcv_1d/base=BTC/all.parquet", smallParquet],
      ["data/ohlcv_1m/base=BTC/2024-01.parquet", bigParquet],
    ] as const) {
      for (const revision of [dataCommit, "main"]) {
        const blob = await downloadFile({ repo, path, revision, hubUrl: hub.url });
        // Compare digests: a deep equality over 11 MB of elements is needlessly slow.
        expect(sha256(new Uint8Array(await blob!.arrayBuffer()))).toBe(sha256(bytes));
      }
    }
    expect(await downloadFile({ repo, path: "missing.txt", hubUrl: hub.url })).toBeNull();
    const info = await fileDownloadInfo({
      repo,
      path: "data/ohlcv_1m/base=BTC/2024-01.parquet",
      hubUrl: hub.url,
    });
    expect(info).toMatchObject({ size: bigParquet.length, etag: `"${sha256(bigParquet)}"` });
  });

  it("serves resolve/<rev>/<path> with ETag, Range, HEAD, 304 and 404", async () => {
    const base = `${hub.url}/datasets/${repo.name}/resolve/${dataCommit}`;
    const full = await fetch(`${base}/README.md`);
    expect(full.status).toBe(200);
    expect(full.headers.get("etag")).toBe(`"${gitOid(readme)}"`);
    expect(full.headers.get("x-repo-commit")).toBe(dataCommit);
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(readme);

    const part = await fetch(`${base}/README.md`, { headers: { Range: "bytes=4-10" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 4-10/${readme.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(readme.subarray(4, 11));

    const big = await fetch(`${base}/data/ohlcv_1m/base=BTC/2024-01.parquet`, {
      headers: { Range: "bytes=-100" },
    });
    expect(big.status).toBe(206);
    expect(big.headers.get("etag")).toBe(`"${sha256(bigParquet)}"`);
    expect(Buffer.from(await big.arrayBuffer()).equals(bigParquet.subarray(bigParquet.length - 100))).toBe(
      true,
    );

    const redirect = await fetch(`${base}/data/ohlcv_1m/base=BTC/2024-01.parquet`, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("x-linked-size")).toBe(String(bigParquet.length));

    const head = await fetch(`${base}/spec.json`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(spec.length));

    const etag = head.headers.get("etag")!;
    const again = await fetch(`${base}/spec.json`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);

    const missing = await fetch(`${base}/nope.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-error-code")).toBe("EntryNotFound");
    const badRev = await fetch(`${hub.url}/datasets/${repo.name}/resolve/v9/spec.json`);
    expect(badRev.headers.get("x-error-code")).toBe("RevisionNotFound");
  });

  it("refuses a commit whose parentCommit is no longer the head, as the Hub does (412)", async () => {
    const attempt = commit({
      repo,
      ...credentials,
      title: "stale",
      parentCommit: firstCommit,
      operations: [{ operation: "addOrUpdate", path: "spec.json", content: new Blob(["{}"]) }],
    });
    await expect(attempt).rejects.toBeInstanceOf(HubApiError);
    await expect(attempt).rejects.toMatchObject({
      statusCode: 412,
      message: expect.stringContaining("A commit has happened since. Please refresh and try again."),
    });
    expect(hub.headOf(repo)).toBe(dataCommit);
  });

  it("refuses writes without the token (401) and keeps reads public", async () => {
    const attempt = uploadFiles({
      repo,
      hubUrl: hub.url,
      files: [{ path: "x.txt", content: new Blob(["x"]) }],
    });
    await expect(attempt).rejects.toMatchObject({ statusCode: 401 });
    const wrong = uploadFiles({
      repo,
      hubUrl: hub.url,
      accessToken: "hf_wrong",
      files: [{ path: "x.txt", content: new Blob(["x"]) }],
    });
    await expect(wrong).rejects.toMatchObject({ statusCode: 401 });
    expect(hub.headOf(repo)).toBe(dataCommit);
  });

  it("pages long listings with a Link header that listFiles and listCommits follow", async () => {
    const many = { type: "dataset", name: "cexdata/many-files" } as const;
    const files = Object.fromEntries(
      Array.from({ length: 1200 }, (_, i) => [`data/f${i}.json`, `{"i":${i}}`]),
    );
    hub.commitFiles(many, files);
    for (let i = 0; i < 120; i++) hub.commitFiles(many, { "spec.json": `{"version":${i}}` });
    const before = hub.counters.requests.tree;
    const paths = [];
    for await (const e of listFiles({ repo: many, path: "data", hubUrl: hub.url })) paths.push(e.path);
    expect(new Set(paths).size).toBe(1200);
    expect(hub.counters.requests.tree - before).toBe(2);
    let commits = 0;
    for await (const c of listCommits({ repo: many, hubUrl: hub.url }))
      commits += c.oid.length === 40 ? 1 : 0;
    expect(commits).toBe(122);
  });

  it("keeps old revisions immutable while main moves, and lists the history", async () => {
    const next = await uploadFiles({
      repo,
      ...credentials,
      parentCommit: dataCommit,
      commitTitle: "publish v2",
      files: [{ path: "spec.json", content: new Blob(['{"version":2}']) }],
    });
    const v2 = next!.commit.oid;
    const old = await downloadFile({ repo, path: "spec.json", revision: dataCommit, hubUrl: hub.url });
    expect(await old!.text()).toBe(new TextDecoder().decode(spec));
    expect(await (await downloadFile({ repo, path: "spec.json", hubUrl: hub.url }))!.text()).toBe(
      '{"version":2}',
    );
    const titles = [];
    for await (const c of listCommits({ repo, hubUrl: hub.url })) titles.push(c.title);
    expect(titles).toEqual(["publish v2", "publish v1", "initial commit"]);
    hub.tag(repo, "v1", dataCommit);
    expect(hub.getFile(repo, "v1", "spec.json")).toEqual(spec);
    expect(hub.headOf(repo)).toBe(v2);
  });
});
