import { redactUrlCredentials } from "../log/redact-url-credentials.js";

/** The error's class name, as the run report lists it (BadSymbol, RetriesExhaustedError, ...). */
export const errorName = (e: unknown): string =>
  e instanceof Error ? e.constructor.name || e.name : "Error";

// Through the report and the log: a URL's password (a proxy's, an override's) never reaches either.
export const errorMessage = (e: unknown): string =>
  redactUrlCredentials(e instanceof Error ? e.message : String(e));
