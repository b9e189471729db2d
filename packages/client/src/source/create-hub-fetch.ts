import { DatasetAccessError } from "../errors.js";

export interface HubFetchParams {
  readonly fetch: typeof fetch;
  /** The Hub's base URL: the token is only ever sent to this origin, never to a CDN it redirects to. */
  readonly hubUrl: string;
  readonly token: string | undefined;
  /** The dataset as users name it, for error messages. */
  readonly label: string;
  /** Requests in all when the Hub keeps answering 429. Default 5. */
  readonly maxAttempts?: number;
  /** The longest wait for one Retry-After. Default 60 s. */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The fetch the client talks to the Hub with: `Authorization: Bearer <token>` on requests to the Hub
 * itself when a token is set; a 429 is retried after its `Retry-After` (seconds or an HTTP date; 1, 2,
 * 4 s... without one), a bounded number of times, after which the 429 is returned; a 401/403 becomes a
 * DatasetAccessError that says whether a token was sent and never shows it.
 */
export function createHubFetch(params: HubFetchParams): typeof fetch {
  const hubOrigin = new URL(params.hubUrl).origin;
  const maxAttempts = Math.max(1, params.maxAttempts ?? 5);
  const maxWaitMs = params.maxWaitMs ?? 60_000;
  const sleep = params.sleep ?? wait;
  const now = params.now ?? Date.now;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const toHub = new URL(url).origin === hubOrigin;
    const headers = new Headers(init?.headers);
    if (toHub && params.token) headers.set("Authorization", `Bearer ${params.token}`);
    for (let attempt = 1; ; attempt++) {
      const response = await params.fetch(input, { ...init, headers });
      if (toHub && (response.status === 401 || response.status === 403)) {
        await response.body?.cancel();
        throw accessError(params, url, response.status);
      }
      if (response.status !== 429 || attempt >= maxAttempts) return response;
      const delayMs = retryDelayMs(response.headers.get("Retry-After"), attempt, now());
      await response.body?.cancel();
      await sleep(Math.min(delayMs, maxWaitMs));
    }
  };
}

/** Retry-After in seconds or as an HTTP date; without one, 1 s doubled per attempt. */
function retryDelayMs(header: string | null, attempt: number, nowMs: number): number {
  if (header !== null && /^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = header === null ? NaN : Date.parse(header);
  if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  return 1000 * 2 ** (attempt - 1);
}

function accessError(params: HubFetchParams, url: string, status: number): DatasetAccessError {
  const tokenSent = params.token !== undefined;
  const why = tokenSent
    ? "the token sent has no read access to it (is it the right account, and are the dataset's terms accepted?)"
    : "it is private or gated and no token was found: set HF_TOKEN, run `huggingface-cli login`, or pass `token` to Dataset";
  return new DatasetAccessError(`cexdata: the Hub refused ${params.label} (${status}): ${why}`, {
    url,
    status,
    tokenSent,
  });
}
