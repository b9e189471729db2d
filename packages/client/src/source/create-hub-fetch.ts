import { parseRetryAfter, retrying } from "@cexdata/schema";
import { DatasetAccessError } from "../errors/index.js";

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

/** A 429 while attempts remain: thrown inside the retry loop, its response given back at the end. */
class TooManyRequests {
  constructor(readonly response: Response) {}
}

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
  const now = params.now ?? Date.now;
  // 1 s doubled per attempt without a Retry-After; a longer Retry-After than `maxWaitMs` is cut to it.
  const policy = {
    attempts: maxAttempts,
    baseDelayMs: 1000,
    maxDelayMs: Infinity,
    maxWaitMs,
    capWaits: true,
    jitter: "none",
  } as const;
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const toHub = new URL(url).origin === hubOrigin;
    const headers = new Headers(init?.headers);
    if (toHub && params.token) headers.set("Authorization", `Bearer ${params.token}`);
    try {
      return await retrying(
        async (attempt) => {
          const response = await params.fetch(input, { ...init, headers });
          if (toHub && (response.status === 401 || response.status === 403)) {
            await response.body?.cancel();
            throw accessError(params, url, response.status);
          }
          if (response.status !== 429 || attempt >= maxAttempts) return response;
          throw new TooManyRequests(response);
        },
        {
          policy,
          sleep: params.sleep,
          classify: (error) => {
            if (!(error instanceof TooManyRequests)) return { retry: false };
            const retryAfter = parseRetryAfter(error.response.headers.get("Retry-After"), now());
            void error.response.body?.cancel();
            return { retry: true, waitAtLeastMs: retryAfter };
          },
        },
      );
    } catch (error) {
      // Out of attempts on a 429: the caller sees the Hub's last answer.
      if (error instanceof TooManyRequests) return error.response;
      throw error;
    }
  };
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
