import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger } from "pino";

export interface CreateLoggerParams {
  /** pino level; `CEXDATA_LOG_LEVEL` or `info` by default. */
  readonly level?: string;
  /** Pretty, human lines (a TTY) or one JSON object per line (CI, files). Defaults to stderr being a TTY. */
  readonly pretty?: boolean;
  /** Where lines go; stderr by default, so stdout stays free for command output. */
  readonly destination?: DestinationStream;
}

/** Paths whose values never reach a log line: tokens, keys and auth headers, wherever they are nested. */
export const REDACTED_PATHS = [
  "HF_TOKEN",
  "hfToken",
  "token",
  "apiKey",
  "secret",
  "password",
  "Authorization",
  "authorization",
  "headers.Authorization",
  "headers.authorization",
  "*.HF_TOKEN",
  "*.hfToken",
  "*.token",
  "*.apiKey",
  "*.secret",
  "*.password",
  "*.Authorization",
  "*.authorization",
  "*.headers.Authorization",
  "*.headers.authorization",
];

/** The pipeline's logger: pino, pretty on a TTY and JSON otherwise, with secrets redacted. */
export function createLogger(params: CreateLoggerParams = {}): Logger {
  const level = params.level ?? process.env.CEXDATA_LOG_LEVEL ?? "info";
  const pretty = params.pretty ?? (params.destination === undefined && process.stderr.isTTY === true);
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  if (params.destination) return pino(options, params.destination);
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, colorize: true, translateTime: "SYS:HH:MM:ss" },
      },
    });
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** Removes a secret's literal value from a message (errors can echo request headers back). */
export function scrubSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const token = env.HF_TOKEN;
  return token && token.length >= 4 ? text.split(token).join("[redacted]") : text;
}
