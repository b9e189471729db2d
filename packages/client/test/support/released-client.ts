import { execFileSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const RELEASED = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "released-client");

/** The client released before (0.1.0), installed in a project of its own. */
export interface ReleasedClient {
  /** The project it is installed in. */
  readonly project: string;
  /** Runs `script`, an ES module importing `@cexdata/client`, in the project with `args`; its stdout. */
  run(script: string, args: readonly string[]): Promise<string>;
}

/**
 * Installs the released client's tarballs (fixtures/released-client: schema, sql-templates and client
 * 0.1.0) with npm into a fresh project `released` under `dir`, as a user of the published package would.
 */
export async function installReleasedClient(dir: string): Promise<ReleasedClient> {
  const project = join(dir, "released");
  await installTarballs(RELEASED, project);
  return {
    project,
    async run(script, args) {
      await writeFile(join(project, "read.mjs"), script);
      return execFileSync(process.execPath, [join(project, "read.mjs"), ...args], {
        cwd: project,
        encoding: "utf8",
      });
    },
  };
}

/**
 * Creates the user project `project` and installs every `.tgz` in `tarballDir` into it with npm, all
 * at once (they depend on one another), as a user of the published packages would.
 */
export async function installTarballs(tarballDir: string, project: string): Promise<void> {
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "user", version: "1.0.0", private: true }),
  );
  const tarballs = (await readdir(tarballDir))
    .filter((f) => f.endsWith(".tgz"))
    .map((f) => join(tarballDir, f));
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], {
    cwd: project,
    stdio: "pipe",
  });
}
