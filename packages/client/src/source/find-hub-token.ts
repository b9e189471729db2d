import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The Hub token to read a gated or private dataset with, as huggingface_hub finds it: the explicit
 * one, else `HF_TOKEN`, else the file `huggingface-cli login` writes (`HF_TOKEN_PATH`, else
 * `$HF_HOME/token`, else `$XDG_CACHE_HOME/huggingface/token` or `~/.cache/huggingface/token`).
 * Undefined when there is none: public datasets need no token.
 */
export function findHubToken(
  params: { token?: string | undefined; env?: NodeJS.ProcessEnv; home?: string } = {},
): string | undefined {
  if (params.token) return params.token;
  const env = params.env ?? process.env;
  if (env.HF_TOKEN?.trim()) return env.HF_TOKEN.trim();
  const hfHome =
    env.HF_HOME || join(env.XDG_CACHE_HOME || join(params.home ?? homedir(), ".cache"), "huggingface");
  const file = env.HF_TOKEN_PATH || join(hfHome, "token");
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    // No token file: the usual case for a public dataset.
    return undefined;
  }
}
