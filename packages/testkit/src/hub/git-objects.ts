import { createHash } from "node:crypto";

/** The git blob id of some content: what the Hub reports as `oid` and as the ETag of a regular file. */
export function gitBlobOid(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
}

export function sha256Hex(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The pointer git stores in place of an LFS file; the Hub serves it from `raw/` and hashes it as the entry's oid. */
export function lfsPointer(sha256: string, size: number): Uint8Array {
  return new TextEncoder().encode(
    `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`,
  );
}

/**
 * A 40-hex commit id. Not a real git commit object (the simulator keeps no git trees), but, like git, it
 * covers the parent, the content and the time, so two commits never share an id.
 */
export function commitOid(parts: {
  parent: string | null;
  title: string;
  dateMs: number;
  files: Iterable<[string, string]>;
  sequence: number;
}): string {
  const hash = createHash("sha1");
  hash.update(`parent ${parts.parent ?? "-"}\ndate ${parts.dateMs}\nseq ${parts.sequence}\n${parts.title}\n`);
  for (const [path, oid] of parts.files) hash.update(`${oid} ${path}\n`);
  return hash.digest("hex");
}

/** A 40-hex id for a directory listing entry, derived from its children. */
export function treeOid(entries: Iterable<[string, string]>): string {
  const hash = createHash("sha1");
  for (const [path, oid] of entries) hash.update(`${oid} ${path}\n`);
  return hash.digest("hex");
}
