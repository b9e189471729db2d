import { CexdataError, DatasetUnavailableError, UnknownTokenError } from "@cexdata/client";

/** A route or resource the API does not have (an unknown indicator, table or path). */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  readonly didYouMean: readonly string[];
  constructor(message: string, context: { didYouMean?: readonly string[] } = {}) {
    super(message);
    this.didYouMean = context.didYouMean ?? [];
  }
}

/** A query parameter Fastify's schema refused (wrong type, too long, out of range). */
export class InvalidParameterError extends Error {
  override readonly name = "InvalidParameterError";
}

/** Too many requests from one address within the rate limit's window. */
export class RateLimitedError extends Error {
  override readonly name = "RateLimitedError";
  readonly statusCode = 429;
}

/** The JSON body every error response carries: the error class's name and its message. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly statusCode: number;
  readonly didYouMean?: readonly string[];
}

/** Maps what a route threw to a status and body: the client's own errors keep their name and message. */
export function describeError(error: unknown): ErrorBody {
  if (error instanceof UnknownTokenError || error instanceof NotFoundError) {
    return { error: error.name, message: error.message, statusCode: 404, didYouMean: error.didYouMean };
  }
  if (error instanceof DatasetUnavailableError) {
    return { error: error.name, message: error.message, statusCode: 503 };
  }
  if (error instanceof InvalidParameterError) {
    return { error: error.name, message: error.message, statusCode: 400 };
  }
  if (error instanceof CexdataError) {
    // InvalidArgumentError and friends: the caller's input; SpecError/IntegrityError: the dataset's fault.
    const statusCode = error.name === "InvalidArgumentError" ? 400 : 502;
    return { error: error.name, message: error.message, statusCode };
  }
  const fastify = error as { statusCode?: number; validation?: unknown; message?: string; name?: string };
  if (fastify?.validation !== undefined) {
    return { error: "InvalidParameterError", message: String(fastify.message), statusCode: 400 };
  }
  if (typeof fastify?.statusCode === "number" && fastify.statusCode < 500) {
    return {
      error: fastify.name ?? "Error",
      message: String(fastify.message),
      statusCode: fastify.statusCode,
    };
  }
  return { error: "InternalServerError", message: "the server failed to answer", statusCode: 500 };
}
