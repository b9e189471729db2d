import type { IncomingMessage, ServerResponse } from "node:http";
import { HubResponseError } from "./hub-store.js";

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Errors as the Hub sends them: a JSON `{error}` body, and `X-Error-Code` / `X-Error-Message` headers. */
export function sendError(res: ServerResponse, err: HubResponseError): void {
  const headers: Record<string, string> = {
    ...err.headers,
    "X-Error-Message": err.message.replace(/[^\x20-\x7e]/g, "?"),
  };
  if (err.errorCode) headers["X-Error-Code"] = err.errorCode;
  sendJson(res, err.status, { error: err.message }, headers);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new HubResponseError(400, "Invalid JSON body");
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The byte range a `Range` header asks for, as [start, endInclusive]; null when there is none or it is
 * not a single byte range (then the whole body is sent, as HTTP allows); "unsatisfiable" for a 416.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | null | "unsatisfiable" {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return [start, end];
}
