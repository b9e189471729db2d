import { cp, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DatasetSpec, SpecFile } from "@cexdata/schema";
import { writeTestDataset, type CandleFile } from "../publish-fixture.js";

const YEARS = [2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024];

/** `bases` x 8 yearly ohlcv_1h files (2017-2024) of a few real candles each: a dataset of many files. */
export function yearlyFiles(bases: number, price = 100): CandleFile[] {
  const files: CandleFile[] = [];
  for (let b = 0; b < bases; b++) {
    for (const year of YEARS) {
      files.push({
        table: "ohlcv_1h",
        base: `T${String(b).padStart(4, "0")}`,
        start: `${year}-03-01T00:00:00Z`,
        count: 2,
        price: price + b,
      });
    }
  }
  return files;
}

/**
 * A next version of the dataset in `from`: a copy of it where `changed` files are rewritten (new
 * candles, same paths, as a daily run rewrites the current period's files) and `version` is raised.
 */
export async function deriveVersion(
  from: { dir: string; spec: DatasetSpec },
  to: string,
  changed: readonly CandleFile[],
  version: number,
): Promise<DatasetSpec> {
  await cp(from.dir, to, { recursive: true });
  const scratch = `${to}.changed`;
  await mkdir(scratch, { recursive: true });
  const written = await writeTestDataset(scratch, { version, files: changed });
  const replaced = new Map<string, SpecFile>();
  for (const table of Object.values(written.tables)) {
    for (const file of table?.files ?? []) {
      replaced.set(file.path, file);
      await rename(path.join(scratch, file.path), path.join(to, file.path));
    }
  }
  const tables: DatasetSpec["tables"] = {};
  for (const [name, table] of Object.entries(from.spec.tables)) {
    const files = table!.files.map((f) => replaced.get(f.path) ?? f);
    for (const f of replaced.values())
      if (f.path.startsWith(`data/${name}/`) && !files.some((x) => x.path === f.path)) files.push(f);
    tables[name as keyof DatasetSpec["tables"]] = { ...table!, files };
  }
  const spec: DatasetSpec = {
    ...from.spec,
    version,
    update_time: `2024-06-0${version}T00:00:00.000Z`,
    tables,
  };
  await writeFile(path.join(to, "spec.json"), JSON.stringify(spec, null, 2) + "\n");
  return spec;
}
