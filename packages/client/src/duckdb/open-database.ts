import { DuckDBInstance } from "@duckdb/node-api";

const open = new Set<DuckDBInstance>();
let exitHooked = false;

/** An in-memory DuckDB for one Dataset; closed by `closeDatabase` or, at the latest, on process exit. */
export async function openDatabase(): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(":memory:");
  open.add(instance);
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => {
      for (const db of open) db.closeSync();
      open.clear();
    });
  }
  return instance;
}

export function closeDatabase(instance: DuckDBInstance): void {
  if (!open.delete(instance)) return;
  instance.closeSync();
}
