import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { renderTearsheet } from "./render-tearsheet.js";
import type { TearsheetInput } from "./tearsheet-input.js";

/**
 * Renders a tearsheet and writes it to `path` (parent folders created), through a temporary file
 * renamed into place so a reader never sees half a page. Returns the absolute path written.
 * `html` skips the render when the caller already has it.
 */
export async function writeTearsheet(path: string, input: TearsheetInput, html?: string): Promise<string> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, html ?? renderTearsheet(input), "utf8");
  await rename(temporary, target);
  return target;
}
