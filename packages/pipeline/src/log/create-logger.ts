import { pino, type Logger, type DestinationStream } from "pino";
import { redactUrlCredentials } from "./redact-url-credentials.js";

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

const PROXY_VARIABLE = /^(CEXDATA_PROXY_\w+|https?_proxy|all_proxy)$/i;

/** The passwords of the proxy variables in `env`, raw and URL-decoded. */
function proxyPasswords(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!PROXY_VARIABLE.test(name) || !value) continue;
    const raw = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:([^/?#]*)@/i.exec(value.trim())?.[1];
    if (raw) found.push(raw, decodeURIComponentSafe(raw));
  }
  return found;
}

const decodeURIComponentSafe = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Removes secrets from a message (errors can echo request headers or URLs back): the HF token, the
 * proxy passwords of the environment, and the password of any `scheme://user:password@` URL.
 */
export function scrubSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = redactUrlCredentials(text);
  const secrets = [env.HF_TOKEN, ...proxyPasswords(env)].filter((s): s is string => !!s && s.length >= 4);
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}
