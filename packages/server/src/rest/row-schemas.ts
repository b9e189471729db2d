import { TABLES, toCamelCase, type ColumnDef, type TableName } from "@cexdata/schema";

const JSON_TYPE: Record<ColumnDef["type"], Record<string, unknown>> = {
  VARCHAR: { type: "string" },
  DOUBLE: { type: "number" },
  BIGINT: { type: "integer" },
  INTEGER: { type: "integer" },
  BOOLEAN: { type: "boolean" },
  TIMESTAMP_MS: { type: "string", format: "date-time" },
  "VARCHAR[]": { type: "array", items: { type: "string" } },
};

/**
 * The JSON Schema of one row of a table as the API returns it: the client's row (camelCase keys,
 * times as ISO-8601 UTC), derived from the table's declaration in @cexdata/schema.
 */
export function tableRowSchema(table: TableName): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, column] of Object.entries(TABLES[table].columns) as [string, ColumnDef][]) {
    const key = toCamelCase(name);
    properties[key] = {
      ...JSON_TYPE[column.type],
      ...(column.nullable && { nullable: true }),
      description: column.doc,
    };
    required.push(key);
  }
  return { type: "object", description: `a ${table} row`, properties, required };
}

export const errorResponseSchema = {
  type: "object",
  description: "an error: its class name (InvalidArgumentError, UnknownTokenError, ...) and message",
  properties: {
    error: { type: "string" },
    message: { type: "string" },
    statusCode: { type: "integer" },
    didYouMean: { type: "array", items: { type: "string" } },
  },
  required: ["error", "message", "statusCode"],
} as const;

/** 200: an array of rows (or CSV with `?format=csv`); 400/404/503: a named error. */
export function rowsResponse(row: Record<string, unknown>): Record<string, unknown> {
  return {
    200: { type: "array", items: row },
    400: errorResponseSchema,
    404: errorResponseSchema,
    503: errorResponseSchema,
  };
}
