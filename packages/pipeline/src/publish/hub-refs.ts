import { HubApiError, listFiles, pathsInfo } from "@huggingface/hub";
import { hubArgs, type HubParams } from "./hub-state.js";

// The Hub's tag, refs and super-squash endpoints, which @huggingface/hub 2.17 has no function for:
// called as huggingface_hub's create_tag, delete_tag, list_repo_refs and super_squash_history call them.

export interface HubRefs {
  /** Branch name -> commit id. */
  readonly branches: ReadonlyMap<string, string>;
  /** Tag name -> commit id. */
  readonly tags: ReadonlyMap<string, string>;
}

function apiUrl(p: HubParams, tail: string): string {
  return `${p.hubUrl ?? "https://huggingface.co"}/api/datasets/${p.repo}/${tail}`;
}

async function call(p: HubParams, method: string, tail: string, body?: unknown): Promise<unknown> {
  const url = apiUrl(p, tail);
  const response = await (p.fetch ?? fetch)(url, {
    method,
    headers: {
      ...(p.accessToken ? { Authorization: `Bearer ${p.accessToken}` } : {}),
      ...(body !== undefined && { "Content-Type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === "string") message = parsed.error;
    } catch {
      // not JSON: keep the text
    }
    throw new HubApiError(url, response.status, response.headers.get("X-Request-Id") ?? undefined, message);
  }
  return text === "" ? null : (JSON.parse(text) as unknown);
}

export async function readRefs(p: HubParams): Promise<HubRefs> {
  const body = (await call(p, "GET", "refs")) as {
    branches?: { name: string; targetCommit: string }[];
    tags?: { name: string; targetCommit: string }[];
  };
  const toMap = (refs: { name: string; targetCommit: string }[] = []) =>
    new Map(refs.map((r) => [r.name, r.targetCommit]));
  return { branches: toMap(body.branches), tags: toMap(body.tags) };
}

/** Tags `revision`; false when the tag already exists (the Hub answers 409). */
export async function createTag(
  p: HubParams,
  tag: string,
  revision: string,
  message?: string,
): Promise<boolean> {
  try {
    await call(p, "POST", `tag/${encodeURIComponent(revision)}`, { tag, ...(message && { message }) });
    return true;
  } catch (error) {
    if (error instanceof HubApiError && error.statusCode === 409) return false;
    throw error;
  }
}

export async function deleteTag(p: HubParams, tag: string): Promise<void> {
  await call(p, "DELETE", `tag/${encodeURIComponent(tag)}`);
}

/** Squashes `branch` into one commit holding its current files. Non-revertible on the Hub. */
export async function superSquash(p: HubParams, branch: string, message: string): Promise<void> {
  await call(p, "POST", `super-squash/${encodeURIComponent(branch)}`, { message });
}

/** Paths asked per paths-info request, as huggingface_hub chunks its own lookups. */
const PATHS_PER_REQUEST = 100;

/** sha256 of the LFS files among `paths` at `revision`; paths absent (or not in LFS) are left out. */
export async function lfsShasAt(
  p: HubParams,
  revision: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < paths.length; i += PATHS_PER_REQUEST) {
    const chunk = paths.slice(i, i + PATHS_PER_REQUEST);
    for (const info of await pathsInfo({ ...hubArgs(p), paths: chunk, revision })) {
      if (info.type === "file" && info.lfs) out.set(info.path, info.lfs.oid);
    }
  }
  return out;
}

/** Every file path under `folder` at `revision`. */
export async function listPathsAt(p: HubParams, revision: string, folder: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of listFiles({ ...hubArgs(p), path: folder, recursive: true, revision })) {
      if (entry.type === "file") out.push(entry.path);
    }
  } catch (error) {
    // No such folder at that revision: nothing under it.
    if (error instanceof HubApiError && error.statusCode === 404) return [];
    throw error;
  }
  return out;
}

/**
 * The commit that last wrote spec.json, seen from `revision` (the Hub's `lastCommit`): every data file
 * the spec lists is, at that commit, the one it describes. `revision` when the Hub does not say.
 */
export async function specCommitAt(p: HubParams, revision: string): Promise<string> {
  const [info] = await pathsInfo({ ...hubArgs(p), paths: ["spec.json"], revision, expand: true });
  return info?.lastCommit?.id ?? revision;
}
