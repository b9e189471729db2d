import { RevisionNotFoundError } from "../errors/index.js";

/**
 * Turns the Hub's answer for a revision it cannot resolve (404 with `X-Error-Code: RevisionNotFound`:
 * a squashed commit id, a deleted tag, a mistyped branch) into a RevisionNotFoundError.
 */
export async function throwIfRevisionGone(
  response: Response,
  context: { url: string; repo: string; revision: string },
): Promise<void> {
  if (response.status !== 404 || response.headers.get("X-Error-Code") !== "RevisionNotFound") return;
  await response.body?.cancel();
  throw new RevisionNotFoundError(context);
}
