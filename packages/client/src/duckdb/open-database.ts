import { DuckDBInstance } from "@duckdb/node-api";
import type { Database } from "./run-query.js";

const open = new Set<Database>();
let exitHooked = false;

/** An in-memory DuckDB for one Dataset; closed by `closeDatabase` or, at the latest, on process exit. */
export async function openDatabase(): Promise<Database> {
  const database: Database = { instance: await DuckDBInstance.create(":memory:"), idle: [] };
  open.add(database);
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", () => {
      for (const db of open) closeDatabase(db);
    });
  }
  return database;
}

export function closeDatabase(database: Database): void {
  if (!open.delete(database)) return;
  for (const connection of database.idle.splice(0)) connection.closeSync();
  database.instance.closeSync();
}
