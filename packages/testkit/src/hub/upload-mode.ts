/** Files at least this large go through LFS whatever their type, as on the Hub (10 MB). */
export const LFS_SIZE_THRESHOLD = 10 * 1024 * 1024;

/**
 * The Hub's preupload rule: LFS for a path that `.gitattributes` marks `filter=lfs`, for a file of
 * 10 MB or more, and for binary content (a NUL byte in the 512-byte sample, git's own test);
 * inline ("regular") otherwise.
 */
export function chooseUploadMode(file: {
  path: string;
  size: number;
  sample: Uint8Array;
  gitAttributes: string;
}): "lfs" | "regular" {
  if (file.size >= LFS_SIZE_THRESHOLD) return "lfs";
  if (file.sample.includes(0)) return "lfs";
  return lfsPatterns(file.gitAttributes).some((re) => re.test(file.path)) ? "lfs" : "regular";
}

function lfsPatterns(gitAttributes: string): RegExp[] {
  return gitAttributes
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((words) => words.length > 1 && words[0] !== "" && !words[0]!.startsWith("#"))
    .filter((words) => words.slice(1).includes("filter=lfs"))
    .map((words) => globToRegExp(words[0]!));
}

/** gitattributes globs: a pattern without a slash matches the file name at any depth. */
function globToRegExp(glob: string): RegExp {
  const anchored = glob.includes("/");
  let body = "";
  for (const token of glob.replace(/^\//, "").match(/\*\*\/?|\*|\?|[^*?]+/g) ?? []) {
    if (token.startsWith("**")) body += ".*";
    else if (token === "*") body += "[^/]*";
    else if (token === "?") body += "[^/]";
    else body += token.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`);
}
