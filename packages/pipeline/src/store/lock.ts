import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { DatasetLockedError } from "./errors.js";
import { WORK_DIR } from "./journal.js";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the dataset's writer lock (`.cexdata/lock`, holding the pid). A lock left by a process
 * that no longer runs (killed) is taken over. Returns the release function.
 */
export async function lockDataset(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, WORK_DIR, "lock");
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      try {
        await handle.writeFile(String(process.pid));
      } catch (error) {
        // A full disk can take the file but not its pid: leave no lock that names nobody.
        await handle.close();
        await rm(file, { force: true });
        throw error;
      }
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder))
        throw new DatasetLockedError(dir, holder);
      await rm(file, { force: true });
    }
  }
  throw new DatasetLockedError(dir, -1);
}
