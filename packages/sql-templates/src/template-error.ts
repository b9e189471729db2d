/** Why a template could not be loaded or bound. */
export type TemplateErrorReason =
  "unknown-template" | "missing-params" | "extra-params" | "malformed-template";

/** A template name that does not exist, or parameters that do not match its declaration. */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
  readonly template: string;
  readonly reason: TemplateErrorReason;
  /** Existing template names close to an unknown one. */
  readonly didYouMean: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];

  constructor(
    message: string,
    context: {
      template: string;
      reason: TemplateErrorReason;
      didYouMean?: readonly string[];
      missing?: readonly string[];
      extra?: readonly string[];
    },
  ) {
    super(message);
    this.template = context.template;
    this.reason = context.reason;
    this.didYouMean = context.didYouMean ?? [];
    this.missing = context.missing ?? [];
    this.extra = context.extra ?? [];
  }
}
