import { downloadFile, HubApiError } from "@huggingface/hub";
import { parseDatasetSpec, type DatasetSpec } from "@cexdata/schema";
import { readSpec } from "../store/index.js";
import { DatasetStatusError } from "./status-error.js";

const HUB_DATASET = /^hf:\/\/datasets\/([A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*?)(?:@([^/\s]+))?\/?$/;

/**
 * The spec.json of a local dataset dir or of a Hub dataset (`hf://datasets/<org>/<name>[@revision]`,
 * read with `HF_TOKEN` for a private one, from `HF_ENDPOINT` when set). The token never reaches a
 * message.
 */
export async function readDatasetSpec(p: {
  readonly dataset: string;
  readonly env: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
}): Promise<DatasetSpec> {
  const hub = HUB_DATASET.exec(p.dataset);
  if (!hub) {
    if (p.dataset.startsWith("hf://")) {
      throw new DatasetStatusError(
        `a Hub dataset looks like hf://datasets/<org>/<name>, not ${p.dataset}`,
        p.dataset,
      );
    }
    const spec = await readSpec(p.dataset).catch((cause: unknown) => {
      throw new DatasetStatusError(`cannot read ${p.dataset}/spec.json: ${messageOf(cause)}`, p.dataset, {
        cause,
      });
    });
    if (!spec) throw new DatasetStatusError(`${p.dataset} holds no spec.json`, p.dataset);
    return spec;
  }
  const token = p.env.HF_TOKEN || undefined;
  const hubUrl = p.env.HF_ENDPOINT?.replace(/\/+$/, "") || undefined;
  const scrub = (text: string) => (token ? text.split(token).join("[redacted]") : text);
  let text: string | null;
  try {
    const blob = await downloadFile({
      repo: { type: "dataset", name: hub[1]! },
      path: "spec.json",
      revision: hub[2] ?? "main",
      ...(token && { accessToken: token }),
      ...(hubUrl && { hubUrl }),
      ...(p.fetch && { fetch: p.fetch }),
    });
    text = blob === null ? null : await blob.text();
  } catch (cause) {
    const refused = cause instanceof HubApiError && (cause.statusCode === 401 || cause.statusCode === 403);
    const hint = refused
      ? token
        ? "; does HF_TOKEN have read access?"
        : "; a private dataset needs HF_TOKEN"
      : "";
    throw new DatasetStatusError(
      `cannot read spec.json of ${p.dataset}: ${scrub(messageOf(cause))}${hint}`,
      p.dataset,
      {
        cause,
      },
    );
  }
  if (text === null) throw new DatasetStatusError(`${p.dataset} holds no spec.json`, p.dataset);
  try {
    return parseDatasetSpec(JSON.parse(text));
  } catch (cause) {
    throw new DatasetStatusError(
      `spec.json of ${p.dataset} is not a valid dataset spec: ${messageOf(cause)}`,
      p.dataset,
      {
        cause,
      },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
