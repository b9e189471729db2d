import type { Dataset } from "@cexdata/client";

/** Every base some file of the dataset holds (`data/<table>/base=<BASE>/...` in spec.json), sorted. */
export async function listStoredBases(dataset: Dataset): Promise<string[]> {
  const spec = await dataset.spec();
  const bases = new Set<string>();
  for (const table of Object.values(spec.tables)) {
    for (const file of table?.files ?? []) {
      const match = /\/base=([^/]+)\//.exec(file.path);
      if (match?.[1]) bases.add(match[1]);
    }
  }
  return [...bases].sort();
}
