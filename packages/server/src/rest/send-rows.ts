import type { FastifyReply } from "fastify";

type Cell = unknown;

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_TYPE = "text/csv; charset=utf-8";
const CSV_BATCH = 1000;

/**
 * Rows as CSV, a header from the first row's keys (every row of a table has the same keys), in
 * chunks of a thousand lines: each is formatted only when the response stream asks for it.
 */
export function* csvChunks(rows: readonly Record<string, Cell>[]): Generator<string> {
  const first = rows[0];
  if (!first) return;
  const keys = Object.keys(first);
  yield `${keys.join(",")}\n`;
  for (let i = 0; i < rows.length; i += CSV_BATCH) {
    let chunk = "";
    for (const row of rows.slice(i, i + CSV_BATCH))
      chunk += `${keys.map((k) => csvCell(row[k])).join(",")}\n`;
    yield chunk;
  }
}

/** Rows as one CSV text. */
export function formatCsv(rows: readonly Record<string, Cell>[]): string {
  return [...csvChunks(rows)].join("");
}

/** A finished answer: its body already serialised, so a cached one is sent without work. */
export interface RenderedBody {
  readonly contentType: string;
  readonly body: string;
}

/** JSON is the client's rows as JSON.stringify writes them (`ts` as ISO-8601 UTC); CSV the same columns. */
export function renderRows(rows: unknown, format: "json" | "csv" | undefined): RenderedBody {
  if (format === "csv" && Array.isArray(rows)) {
    return { contentType: CSV_TYPE, body: formatCsv(rows as Record<string, Cell>[]) };
  }
  return { contentType: "application/json; charset=utf-8", body: JSON.stringify(rows) };
}

export function sendRendered(reply: FastifyReply, rendered: RenderedBody): FastifyReply {
  return reply.type(rendered.contentType).send(rendered.body);
}
