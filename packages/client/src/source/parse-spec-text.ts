import { parseDatasetSpec, SpecValidationError, type DatasetSpec } from "@cexdata/schema";
import { IntegrityError, SpecError } from "../errors/index.js";

/**
 * Parses spec.json text against the dataset contract. A bad field is a SpecError naming it; a file
 * path that could escape the dataset (`../../etc/passwd`) is an IntegrityError, refused before any
 * file is touched. A table this client does not know (added by a newer pipeline) is ignored.
 */
export function parseSpecText(text: string, url: string): DatasetSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SpecError(`${url} is not valid JSON: ${(error as Error).message}`, {
      field: "(root)",
      url,
      cause: error,
    });
  }
  try {
    // Tables a newer pipeline added are not this client's to read: left out, never an error.
    return parseDatasetSpec(value, { unknownTables: "ignore" });
  } catch (error) {
    if (!(error instanceof SpecValidationError)) throw error;
    if (/\.files\.\d+\.path$/.test(error.field)) {
      const path = readField(value, error.field);
      throw new IntegrityError(`${url}: manifest path ${JSON.stringify(path)} refused: ${error.message}`, {
        path: String(path),
      });
    }
    throw new SpecError(`${url}: ${error.message}`, { field: error.field, url, cause: error });
  }
}

function readField(value: unknown, field: string): unknown {
  let node = value;
  for (const key of field.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
