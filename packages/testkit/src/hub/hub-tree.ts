import { treeOid } from "./git-objects.js";
import { HubResponseError, type HubCommit, type StoredFile } from "./hub-store.js";

/** One entry of `GET /api/<type>s/<repo>/tree/<rev>` and of `paths-info`, in the Hub's JSON shape. */
export interface TreeEntry {
  type: "file" | "directory";
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
  lastCommit?: { id: string; title: string; date: string };
}

export function fileEntry(file: StoredFile): TreeEntry {
  const entry: TreeEntry = { type: "file", oid: file.oid, size: file.size, path: file.path };
  if (file.lfs) entry.lfs = { oid: file.lfs.sha256, size: file.size, pointerSize: file.lfs.pointerSize };
  return entry;
}

function directoryEntry(commit: HubCommit, dir: string): TreeEntry {
  const children = [...commit.files.values()]
    .filter((f) => f.path.startsWith(`${dir}/`))
    .map((f): [string, string] => [f.path, f.oid]);
  return { type: "directory", oid: treeOid(children), size: 0, path: dir };
}

function directoriesOf(commit: HubCommit): Set<string> {
  const dirs = new Set<string>();
  for (const path of commit.files.keys()) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return dirs;
}

/** Entries under `path` ("" for the root): direct children, or everything below when recursive. */
export function listTree(commit: HubCommit, path: string, recursive: boolean): TreeEntry[] {
  const dir = path.replace(/\/+$/, "");
  const dirs = directoriesOf(commit);
  if (dir !== "" && !dirs.has(dir)) {
    throw new HubResponseError(404, `Entry not found: ${dir}`, "EntryNotFound");
  }
  const prefix = dir === "" ? "" : `${dir}/`;
  const isListed = (p: string) =>
    p.startsWith(prefix) && (recursive || !p.slice(prefix.length).includes("/"));
  const entries = [
    ...[...dirs].filter(isListed).map((d) => directoryEntry(commit, d)),
    ...[...commit.files.values()].filter((f) => isListed(f.path)).map(fileEntry),
  ];
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `paths-info`: the entries for those of `paths` that exist, files or directories. */
export function pathsInfo(commit: HubCommit, paths: readonly string[]): TreeEntry[] {
  const dirs = directoriesOf(commit);
  const out: TreeEntry[] = [];
  for (const raw of paths) {
    const path = raw.replace(/\/+$/, "");
    const file = commit.files.get(path);
    if (file) out.push(fileEntry(file));
    else if (dirs.has(path)) out.push(directoryEntry(commit, path));
  }
  return out;
}

/** The newest commit in `history` (newest first) that changed `path`. */
export function lastCommitOf(history: readonly HubCommit[], path: string): TreeEntry["lastCommit"] {
  const changed = (c: HubCommit) => [...c.files.keys()].filter((p) => p === path || p.startsWith(`${path}/`));
  const signature = (c: HubCommit | undefined) =>
    c
      ? changed(c)
          .map((p) => `${p}:${c.files.get(p)?.oid}`)
          .join("\n")
      : "";
  for (let i = 0; i < history.length; i++) {
    const commit = history[i]!;
    if (signature(commit) !== signature(history[i + 1])) {
      return { id: commit.oid, title: commit.title, date: commit.date.toISOString() };
    }
  }
  return undefined;
}
