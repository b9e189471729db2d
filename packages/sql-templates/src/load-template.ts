import { readdirSync, readFileSync } from "node:fs";
import { findCloseMatches } from "@cexdata/schema";
import { TemplateError } from "./template-error.js";
import type { TemplateName, TemplateParams, TemplateValue } from "./template-params.js";

/** One .sql file: its text and what its header declares. */
export interface SqlTemplate {
  readonly name: string;
  readonly sql: string;
  /** Named DuckDB parameters (`$name` in the SQL), from the `-- params:` header. */
  readonly params: readonly string[];
  /** Views the query reads, from the `-- views:` header; the caller defines them over the right files. */
  readonly views: readonly string[];
}

/** A template with its parameters checked: ready for `connection.run(sql, params)`. */
export interface BoundTemplate<N extends string = string> extends SqlTemplate {
  readonly name: N;
  readonly values: Readonly<Record<string, TemplateValue>>;
}

// `sql/` sits beside `src/` and `dist/`, so the same relative URL works from both and from a tarball.
const SQL_DIR = new URL("../sql/", import.meta.url);
const cache = new Map<string, SqlTemplate>();

/** Names of every template shipped in `sql/`. */
export function listTemplates(): string[] {
  return readdirSync(SQL_DIR)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -".sql".length))
    .sort();
}

/** Reads one template by name; refuses unknown names, naming the close matches. */
export function sqlTemplate(name: string): SqlTemplate {
  const cached = cache.get(name);
  if (cached) return cached;
  const names = listTemplates();
  if (!names.includes(name)) {
    const didYouMean = findCloseMatches(name, names);
    const hint = didYouMean.length ? `; did you mean ${didYouMean.join(", ")}?` : "";
    throw new TemplateError(`unknown SQL template ${JSON.stringify(name)}${hint}`, {
      template: name,
      reason: "unknown-template",
      didYouMean,
    });
  }
  const template = parseTemplate(name, readFileSync(new URL(`${name}.sql`, SQL_DIR), "utf8"));
  cache.set(name, template);
  return template;
}

/** Reads a template and checks that `params` names exactly the parameters it declares. */
export function loadTemplate<N extends TemplateName>(name: N, params: TemplateParams[N]): BoundTemplate<N>;
export function loadTemplate(name: string, params: Record<string, TemplateValue>): BoundTemplate;
export function loadTemplate(name: string, params: object): BoundTemplate {
  const template = sqlTemplate(name);
  const given = Object.keys(params);
  const missing = template.params.filter((p) => !given.includes(p) || readValue(params, p) === undefined);
  const extra = given.filter((p) => !template.params.includes(p));
  if (missing.length > 0) {
    throw new TemplateError(`template ${name} is missing parameter(s): ${missing.join(", ")}`, {
      template: name,
      reason: "missing-params",
      missing,
      extra,
    });
  }
  if (extra.length > 0) {
    throw new TemplateError(
      `template ${name} does not take parameter(s): ${extra.join(", ")} (it takes ${template.params.join(", ")})`,
      { template: name, reason: "extra-params", extra },
    );
  }
  const values = Object.fromEntries(template.params.map((p) => [p, readValue(params, p) as TemplateValue]));
  return { ...template, name, values };
}

function readValue(params: object, key: string): unknown {
  return (params as Record<string, unknown>)[key];
}

/** Splits the header comments from the query and checks that declared and used parameters agree. */
export function parseTemplate(name: string, text: string): SqlTemplate {
  const params = readHeaderList(text, "params");
  const views = readHeaderList(text, "views");
  if (params === null || views === null) {
    throw new TemplateError(`template ${name} lacks a '-- params:' or '-- views:' header`, {
      template: name,
      reason: "malformed-template",
    });
  }
  const used = [...new Set([...text.matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1] ?? ""))];
  const undeclared = used.filter((p) => !params.includes(p));
  const unused = params.filter((p) => !used.includes(p));
  if (undeclared.length > 0 || unused.length > 0) {
    throw new TemplateError(
      `template ${name}: header and query disagree (undeclared: ${undeclared.join(", ") || "none"}; unused: ${unused.join(", ") || "none"})`,
      { template: name, reason: "malformed-template", missing: undeclared, extra: unused },
    );
  }
  return { name, sql: text, params, views };
}

function readHeaderList(text: string, key: string): string[] | null {
  const line = new RegExp(`^--\\s*${key}:(.*)$`, "m").exec(text);
  if (!line) return null;
  return (line[1] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
