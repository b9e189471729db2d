import { DatasetUnavailableError } from "../errors/index.js";
import { describeError } from "./fetch-remote-spec.js";
import { throwIfRevisionGone } from "./revision-not-found.js";

/**
 * The commit that last wrote spec.json, as seen from `revision` (`paths-info` with `expand`, the
 * Hub's `lastCommit`). A publish lands its data files in commits before its spec.json commit, and may
 * rewrite a file the current spec.json lists: at the branch head such a file can already be newer than
 * the spec. At the spec's own commit every file it lists is the one it describes, so the client reads
 * data files there. Falls back to `revision` when the Hub does not report a last commit.
 */
export async function resolveSpecCommit(p: {
  hubUrl: string;
  repo: string;
  revision: string;
  fetch: typeof fetch;
}): Promise<string> {
  const url = `${p.hubUrl}/api/datasets/${p.repo}/paths-info/${encodeURIComponent(p.revision)}`;
  let response: Response;
  try {
    response = await p.fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ paths: ["spec.json"], expand: true }),
    });
  } catch (error) {
    throw new DatasetUnavailableError(`POST ${url} failed: ${describeError(error)}`, { url, cause: error });
  }
  await throwIfRevisionGone(response, { url, repo: p.repo, revision: p.revision });
  if (!response.ok) {
    await response.body?.cancel();
    throw new DatasetUnavailableError(`POST ${url} answered ${response.status}`, {
      url,
      status: response.status,
    });
  }
  const body = (await response.json()) as unknown;
  const entry = Array.isArray(body) ? (body[0] as { lastCommit?: { id?: unknown } } | undefined) : undefined;
  const id = entry?.lastCommit?.id;
  return typeof id === "string" && /^[0-9a-f]{40}$/.test(id) ? id : p.revision;
}
