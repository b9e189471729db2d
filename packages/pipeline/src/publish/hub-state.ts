import {
  createRepo,
  downloadFile,
  HubApiError,
  listCommits,
  repoExists,
  type RepoDesignation,
} from "@huggingface/hub";
import { parseDatasetSpec } from "@cexdata/schema";
import { PublishError } from "./errors.js";
import type { HubSnapshot } from "./plan-publish.js";

/** Where and as whom to talk to the Hub; `hubUrl` undefined means huggingface.co. */
export interface HubParams {
  readonly repo: string;
  /** Needed to write; optional to read a public dataset. */
  readonly accessToken?: string;
  readonly hubUrl?: string;
  readonly fetch?: typeof fetch;
}

export interface HubState extends HubSnapshot {
  /** README.md at the same revision, to skip uploading an unchanged card. */
  readonly readme: string | null;
}

export function datasetRepo(repo: string): RepoDesignation {
  return { type: "dataset", name: repo };
}

/**
 * A command's Hub params completed from the environment: the token from `HF_TOKEN`, the URL from
 * `HF_ENDPOINT` (else huggingface.co), without a trailing slash.
 */
export function hubParamsFrom(params: HubParams): HubParams {
  const accessToken = params.accessToken ?? process.env.HF_TOKEN;
  const hubUrl = params.hubUrl ?? (process.env.HF_ENDPOINT || undefined);
  return {
    repo: params.repo,
    ...(accessToken ? { accessToken } : {}),
    ...(hubUrl !== undefined && { hubUrl: hubUrl.replace(/\/+$/, "") }),
    ...(params.fetch !== undefined && { fetch: params.fetch }),
  };
}

/** The same for a command that writes (`doing` says what): refused without a token, never naming it. */
export function writingHubParams(
  params: HubParams,
  doing: string,
): HubParams & { readonly accessToken: string } {
  const hub = hubParamsFrom(params);
  if (!hub.accessToken)
    throw new PublishError("hub", `HF_TOKEN is not set: ${doing} needs a Hub write token`);
  return { ...hub, accessToken: hub.accessToken };
}

/** The repo, token, URL and fetch as every @huggingface/hub call takes them. */
export function hubArgs(p: HubParams) {
  return {
    repo: datasetRepo(p.repo),
    ...(p.accessToken ? { accessToken: p.accessToken } : {}),
    ...(p.hubUrl !== undefined && { hubUrl: p.hubUrl }),
    ...(p.fetch !== undefined && { fetch: p.fetch }),
  };
}

/** Creates the dataset repo unless it exists (a concurrent creation by another publisher is fine). */
export async function ensureDatasetRepo(p: HubParams): Promise<boolean> {
  if (await repoExists(hubArgs(p))) return false;
  try {
    await createRepo({ ...hubArgs(p), accessToken: p.accessToken ?? "" });
    return true;
  } catch (error) {
    if (error instanceof HubApiError && error.statusCode === 409) return false;
    throw error;
  }
}

/**
 * The branch head's commit id (or `revision`), then spec.json and README.md read at that exact commit,
 * so the spec we compare against and the `parentCommit` we commit on are the same revision.
 */
export async function readHubState(p: HubParams, revision?: string): Promise<HubState> {
  const head = revision ?? (await readHead(p));
  if (head === null) return { head, spec: null, readme: null };
  const specText = await readText(p, "spec.json", head);
  let spec = null;
  if (specText !== null) {
    try {
      spec = parseDatasetSpec(JSON.parse(specText));
    } catch (cause) {
      throw new PublishError(
        "hub",
        `spec.json on ${p.repo} at ${head} is not a valid dataset spec, refusing to overwrite it: ${String(cause)}`,
        { cause },
      );
    }
  }
  return { head, spec, readme: await readText(p, "README.md", head) };
}

async function readHead(p: HubParams): Promise<string | null> {
  try {
    for await (const commit of listCommits({ ...hubArgs(p), batchSize: 1 })) return commit.oid;
    return null;
  } catch (error) {
    // A repo created without any commit has no branch yet.
    if (error instanceof HubApiError && error.statusCode === 404) return null;
    throw error;
  }
}

async function readText(p: HubParams, path: string, revision: string): Promise<string | null> {
  const blob = await downloadFile({ ...hubArgs(p), path, revision });
  return blob === null ? null : blob.text();
}

/** A file's bytes at a revision; a missing file is an error here, as the caller knows it is listed. */
export async function readBlob(p: HubParams, path: string, revision: string): Promise<Blob> {
  const blob = await downloadFile({ ...hubArgs(p), path, revision });
  if (blob === null) throw new PublishError("hub", `${path} is missing at ${revision} of ${p.repo}`);
  return blob;
}
