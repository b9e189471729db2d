import { HubResponseError, type HubRepoState, type HubStore } from "./hub-store.js";

/**
 * The Hub's super-squash of a branch (`POST /api/<type>s/<repo>/super-squash/<branch>`): the branch
 * becomes one new root commit holding its head's files, and history only that branch reached is gone.
 * As in git, other refs keep what they point at: a tag or another branch still resolves, with its
 * ancestors (the Hub's storage docs: files "remain in the PR branch history" after main is squashed).
 */
export function superSquash(store: HubStore, repo: HubRepoState, branch: string, message: string): string {
  if (repo.tags.has(branch) && !repo.branches.has(branch)) {
    // huggingface_hub documents a BadRequestError here: "You cannot squash history on tags".
    throw new HubResponseError(400, `Invalid reference for a branch: ${branch}`);
  }
  const head = repo.headOf(branch);
  if (!head) throw new HubResponseError(404, `Invalid rev id: ${branch}`, "RevisionNotFound");
  const squashed = store.addCommit(repo, branch, {
    parent: null,
    title: message,
    files: new Map(head.files),
  });
  collectGarbage(repo);
  return squashed.oid;
}

/**
 * Forgets commits no branch or tag reaches (their ids then answer 404 RevisionNotFound) and LFS
 * objects no remaining commit holds: the Hub's storage docs say squashing removes "LFS file history".
 */
export function collectGarbage(repo: HubRepoState): void {
  const reachable = new Set<string>();
  for (const start of [...repo.branches.values(), ...repo.tags.values()]) {
    let oid: string | null = start;
    while (oid !== null && !reachable.has(oid)) {
      reachable.add(oid);
      oid = repo.commits.get(oid)?.parent ?? null;
    }
  }
  for (const oid of [...repo.commits.keys()]) if (!reachable.has(oid)) repo.commits.delete(oid);
  const held = new Set<string>();
  for (const commit of repo.commits.values())
    for (const file of commit.files.values()) if (file.lfs) held.add(file.lfs.sha256);
  for (const sha of [...repo.lfsObjects.keys()]) if (!held.has(sha)) repo.lfsObjects.delete(sha);
}
