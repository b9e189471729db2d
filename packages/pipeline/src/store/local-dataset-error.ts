/**
 * A local dataset dir does not match its spec.json (a listed file missing, the wrong size or sha256),
 * or cannot be merged as asked. Nothing was written.
 */
export class LocalDatasetError extends Error {
  override readonly name = "LocalDatasetError";
}
