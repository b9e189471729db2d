import { homedir } from "node:os";
import { join } from "node:path";

/**
 * `CEXDATA_CACHE_DIR`, else the OS cache directory plus `cexdata`: XDG_CACHE_HOME or ~/.cache on
 * Linux, ~/Library/Caches on macOS, LOCALAPPDATA on Windows.
 */
export function findDefaultCacheDir(
  params: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; home?: string } = {},
): string {
  const env = params.env ?? process.env;
  if (env.CEXDATA_CACHE_DIR) return env.CEXDATA_CACHE_DIR;
  const platform = params.platform ?? process.platform;
  const home = params.home ?? homedir();
  if (platform === "darwin") return join(home, "Library", "Caches", "cexdata");
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), "cexdata");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "cexdata");
}
