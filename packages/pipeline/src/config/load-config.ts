import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { z } from "zod";
import { DEFAULT_CONFIG, pipelineConfigSchema, type PipelineConfig } from "./config-schema.js";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    /** Dotted path of the offending field, e.g. `exchanges.1`; empty for file-level problems. */
    readonly field: string,
    readonly file: string | null,
  ) {
    super(message);
  }
}

/** Each issue as `<file>: <field>: <message> (got <value>)`. */
function describeIssues(error: z.ZodError, file: string | null, input: unknown): ConfigError {
  const lines = error.issues.map((issue) => {
    const field = issue.path.map(String).join(".") || "(root)";
    let got: unknown = input;
    for (const k of issue.path)
      got = got !== null && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[k] : undefined;
    const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
    return `${field}: ${issue.message}${shown}`;
  });
  const first = error.issues[0];
  return new ConfigError(
    `${file ?? "config"}: ${lines.join("; ")}`,
    first ? first.path.map(String).join(".") : "",
    file,
  );
}

/** Validates a config object; ConfigError names the field and the form expected. */
export function parseConfig(input: unknown, file: string | null = null): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(input);
  if (!result.success) throw describeIssues(result.error, file, input);
  return result.data;
}

/**
 * Reads `cexdata.config.json` (or a `.js`/`.mjs`/`.ts` module whose default export is the config;
 * `.ts` needs a runtime that loads TypeScript). No file: the embedded default config.
 */
export async function loadConfig(file?: string, cwd = process.cwd()): Promise<PipelineConfig> {
  if (file === undefined) return parseConfig(DEFAULT_CONFIG, "(default config)");
  const abs = path.resolve(cwd, file);
  let input: unknown;
  if (/\.(m?js|ts|mts)$/.test(abs)) {
    try {
      const mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
      input = mod.default ?? mod;
    } catch (error) {
      throw new ConfigError(`${file}: cannot load: ${(error as Error).message}`, "", file);
    }
  } else {
    let text: string;
    try {
      text = await readFile(abs, "utf8");
    } catch (error) {
      throw new ConfigError(
        `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        "",
        file,
      );
    }
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`, "", file);
    }
  }
  return parseConfig(input, file);
}
