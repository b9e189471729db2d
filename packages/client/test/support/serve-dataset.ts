import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { HubSimulator } from "@cexdata/testkit";

/** Commits every file of a dataset directory to a Hub simulator repo; returns the commit id. */
export async function commitDatasetDir(
  hub: HubSimulator,
  repo: string,
  dir: string,
  title = "dataset",
): Promise<string> {
  const files: Record<string, Uint8Array> = {};
  for (const path of await listFiles(dir)) {
    const rel = relative(dir, path).split("\\").join("/");
    if (rel.startsWith(".")) continue;
    files[rel] = new Uint8Array(await readFile(path));
  }
  return hub.commitFiles(`datasets/${repo}`, files, { title });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]),
    ),
  );
  return nested.flat();
}

/** A fetch that counts requests by path kind, so a test can say "the second call made no request". */
export function countingFetch(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    },
  };
}
