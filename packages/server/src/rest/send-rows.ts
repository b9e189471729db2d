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

/** Rows as CSV: a header from the first row's keys (every row of a table has the same keys). */
export function formatCsv(rows: readonly Record<string, Cell>[]): string {
  const first = rows[0];
  if (!first) return "";
  const keys = Object.keys(first);
  const lines = [keys.join(",")];
  for (const row of rows) lines.push(keys.map((k) => csvCell(row[k])).join(","));
  return lines.join("\n") + "\n";
}

/** A finished answer: its body already serialised, so a cached one is sent without work. */
export interface RenderedBody {
  readonly contentType: string;
  readonly body: string;
}

/** JSON is the client's rows as JSON.stringify writes them (`ts` as ISO-8601 UTC); CSV the same columns. */
export function renderRows(rows: unknown, format: "json" | "csv" | undefined): RenderedBody {
  if (format === "csv" && Array.isArray(rows)) {
    return { contentType: "text/csv; charset=utf-8", body: formatCsv(rows as Record<string, Cell>[]) };
  }
  return { contentType: "application/json; charset=utf-8", body: JSON.stringify(rows) };
}

export function sendRendered(reply: FastifyReply, rendered: RenderedBody): FastifyReply {
  return reply.type(rendered.contentType).send(rendered.body);
}
