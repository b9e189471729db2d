import type { DuckDBConnection } from "@duckdb/node-api";
import { withDuckDBThreads } from "./duckdb.js";

/**
 * Runs `work(conn, i)` for i in [0, count), each connection taking the next index when it is free:
 * partition files are small enough for one row group, which DuckDB writes on one thread, so they
 * are written side by side to use every core. On a failure (a full disk) the other connections
 * finish the item they are on and stop: the caller then removes its temp files and may close
 * DuckDB, which must not happen under a COPY. The first failure is thrown.
 */
export async function onConnectionsSideBySide(
  allConns: readonly DuckDBConnection[],
  count: number,
  work: (conn: DuckDBConnection, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const conns = allConns.slice(0, Math.max(1, count));
  const run = () =>
    Promise.allSettled(
      conns.map(async (conn) => {
        try {
          for (let i = next++; i < count && !failed; i = next++) await work(conn, i);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    );
  // Several connections side by side run one DuckDB thread each: `conns.length` busy threads in
  // all. With the pool at `threads`, every COPY also took pool workers (threads x connections
  // runnable threads on `threads` cores), which cost the archive import's commit about a third
  // more CPU for the same files.
  const settled = conns.length > 1 ? await withDuckDBThreads(conns[0]!, 1, run) : await run();
  const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected !== undefined) throw rejected.reason;
}
