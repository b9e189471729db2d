import { CexdataError, DatasetUnavailableError } from "../errors/index.js";
import { throwIfRevisionGone } from "./revision-not-found.js";

export type RemoteSpecResponse =
  | {
      readonly status: "modified";
      readonly text: string;
      readonly etag: string | null;
      readonly commit: string | null;
    }
  | { readonly status: "not-modified"; readonly commit: string | null };

/**
 * GETs spec.json, conditionally when an ETag is known. Redirects are followed by hand so the
 * `X-Repo-Commit` header of the Hub's own answer is kept (a redirect to a CDN would drop it): the
 * client then fetches data files at that commit, so spec and files always come from one version.
 * ETag as @huggingface/hub's fileDownloadInfo reads it: `X-Linked-ETag`, else `ETag`.
 */
export async function fetchRemoteSpec(params: {
  url: string;
  etag: string | null;
  fetch: typeof fetch;
  /** The Hub dataset and revision, to say so when the Hub no longer resolves that revision. */
  pin?: { repo: string; revision: string };
}): Promise<RemoteSpecResponse> {
  let url = params.url;
  let commit: string | null = null;
  for (let hop = 0; hop < 5; hop++) {
    const response = await requestSpec(url, params);
    commit ??= response.headers.get("X-Repo-Commit");
    const location = response.headers.get("Location");
    if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
      await response.body?.cancel();
      url = new URL(location, url).toString();
      continue;
    }
    if (response.status === 304) return { status: "not-modified", commit };
    if (params.pin) await throwIfRevisionGone(response, { url: params.url, ...params.pin });
    if (!response.ok) {
      await response.body?.cancel();
      throw new DatasetUnavailableError(`GET ${params.url} answered ${response.status}`, {
        url: params.url,
        status: response.status,
      });
    }
    const etag = response.headers.get("X-Linked-ETag") ?? response.headers.get("ETag");
    return { status: "modified", text: await response.text(), etag, commit };
  }
  throw new DatasetUnavailableError(`GET ${params.url}: too many redirects`, { url: params.url });
}

async function requestSpec(url: string, params: { etag: string | null; fetch: typeof fetch }) {
  try {
    return await params.fetch(url, {
      headers: params.etag ? { "If-None-Match": params.etag } : {},
      redirect: "manual",
    });
  } catch (error) {
    if (error instanceof CexdataError) throw error;
    throw new DatasetUnavailableError(`GET ${url} failed: ${describeError(error)}`, { url, cause: error });
  }
}

/** The message of an error and of its cause (fetch hides ECONNREFUSED in `cause`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}

/** Worth answering from cache: the network or the server failed, not the request. */
export function isTransientFailure(error: unknown): boolean {
  if (!(error instanceof DatasetUnavailableError)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 429 || error.status === 408;
}
