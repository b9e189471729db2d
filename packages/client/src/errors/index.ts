/** What an error is made with besides its message: its cause, and fields that become the error's own. */
export interface ErrorContext {
  readonly cause?: unknown;
  readonly [field: string]: unknown;
}

/**
 * Base of every error the client throws on purpose: a `name`, a message and structured context.
 * `C` is the context a subclass is made with (required where it has required fields): a subclass
 * that only `declare`s the fields its context gives needs no constructor of its own.
 */
export class CexdataError<C extends ErrorContext = ErrorContext> extends Error {
  override readonly name: string = "CexdataError";
  /**
   * The message, the cause and the structured context: each field of `context` but `cause` becomes a
   * field of the error (subclasses `declare` them, so no field initializer overwrites them).
   */
  constructor(message?: string, ...[context]: ErrorContext extends C ? [context?: C] : [context: C]) {
    const given: ErrorContext = context ?? {};
    const { cause, ...fields } = given;
    super(message, "cause" in given ? { cause } : undefined);
    Object.assign(this, fields);
  }
}

/** The token is not in the dataset. `didYouMean` lists stored tokens close to it. */
export class UnknownTokenError extends CexdataError {
  override readonly name = "UnknownTokenError";
  readonly token: string;
  readonly didYouMean: readonly string[];
  constructor(token: string, context: { didYouMean: readonly string[] }) {
    const hint = context.didYouMean.length ? `; did you mean ${context.didYouMean.join(", ")}?` : "";
    super(`unknown token ${JSON.stringify(token)}: the dataset has no data for it${hint}`);
    this.token = token;
    this.didYouMean = context.didYouMean;
  }
}

type UnavailableContext = { url: string; status?: number; cause?: unknown };

/** The dataset (or a file it needs) could not be reached and nothing usable is cached. */
export class DatasetUnavailableError<
  C extends UnavailableContext = UnavailableContext,
> extends CexdataError<C> {
  override readonly name: string = "DatasetUnavailableError";
  /** What was tried, e.g. `https://huggingface.co/datasets/cexdata/cexdata/resolve/main/spec.json`. */
  declare readonly url: string;
  declare readonly status: number | undefined;
}

/**
 * The Hub refused to serve the dataset (401/403): it is private or gated and no token was sent, or the
 * token sent has no read access to it. The message never holds the token.
 */
export class DatasetAccessError extends DatasetUnavailableError<{
  url: string;
  status: number;
  tokenSent: boolean;
}> {
  override readonly name = "DatasetAccessError";
  /** Whether a token was sent with the refused request. */
  declare readonly tokenSent: boolean;
}

/**
 * The Hub no longer resolves the revision the dataset is pinned to: a commit id its history no longer
 * holds (squashed), a tag deleted, or a branch that does not exist. Never answered from another
 * revision: a pin is a promise of exact data, so the client stops instead.
 */
export class RevisionNotFoundError extends DatasetUnavailableError {
  override readonly name = "RevisionNotFoundError";
  declare readonly repo: string;
  declare readonly revision: string;
  constructor(context: { url: string; repo: string; revision: string }) {
    super(
      `revision ${JSON.stringify(context.revision)} of hf://datasets/${context.repo} no longer resolves on the Hub ` +
        `(its history was squashed, or the tag deleted): pin a version tag the Hub lists (v<version>) or use main`,
      { ...context, status: 404 },
    );
  }
}

/** spec.json is not valid JSON or does not match the dataset contract. `field` names the bad field. */
export class SpecError extends CexdataError<{ field: string; url: string; cause?: unknown }> {
  override readonly name = "SpecError";
  declare readonly field: string;
  declare readonly url: string;
}

/** A file does not match the manifest (size, sha256), or the manifest names a path outside the dataset. */
export class IntegrityError extends CexdataError<{ path: string; expected?: string; actual?: string }> {
  override readonly name = "IntegrityError";
  declare readonly path: string;
  declare readonly expected: string | undefined;
  declare readonly actual: string | undefined;
}

/** An argument the caller passed is malformed or out of range (interval, time range, exchange, ...). */
export class InvalidArgumentError extends CexdataError<{ argument: string; value: unknown }> {
  override readonly name = "InvalidArgumentError";
  declare readonly argument: string;
  declare readonly value: unknown;
}

/** A feature needs an optional peer dependency that is not installed (e.g. apache-arrow for `as: "arrow"`). */
export class OptionalDependencyError extends CexdataError {
  override readonly name = "OptionalDependencyError";
  /** The package to install. */
  declare readonly dependency: string;
  constructor(dependency: string, feature: string, context: { cause?: unknown } = {}) {
    super(`${feature} needs the optional dependency ${dependency}: install it (npm install ${dependency})`, {
      ...context,
      dependency,
    });
  }
}
