import { z } from "zod";

/**
 * One response body or websocket message exactly as an exchange sent it, with what is needed to
 * parse it again later: which series and table it was asked for, the endpoint (the URL path, or
 * the websocket URL) and its query parameters (never headers: no key or signature is kept).
 */
export const rawRecordSchema = z.object({
  /** Run that received it (`cexdata run`, `backfill`, `collect`). */
  runId: z.string().min(1),
  /** Epoch ms on the clock the run measures time on. */
  receivedAt: z.number().int().nonnegative(),
  exchange: z.string().min(1),
  /** `rest` for an HTTP response, `ws` for one websocket message. */
  transport: z.enum(["rest", "ws"]),
  /** URL path (`/api/v5/public/funding-rate-history`) or websocket stream name. */
  endpoint: z.string().min(1),
  /** Query parameters of the request, as sent. */
  params: z.record(z.string(), z.string()),
  /** The table the body was fetched for (absent for a websocket stream shared by several tables). */
  table: z.string().min(1).optional(),
  /** The series the body was fetched for. */
  symbol: z.string().min(1).optional(),
  /** Start of the page the body was asked for (REST only): what came before it was not kept. */
  pageSinceMs: z.number().int().optional(),
  /** HTTP status (REST only). */
  status: z.number().int().optional(),
  body: z.string(),
});

export type RawRecord = z.infer<typeof rawRecordSchema>;

/** A file-system-safe name for an endpoint: `/api/v5/public/funding-rate-history` -> `api-v5-public-funding-rate-history`. */
export function endpointFolder(endpoint: string): string {
  const name = endpoint
    .replace(/^[a-z]+:\/\/[^/]+/i, "")
    .replace(/[^A-Za-z0-9_.]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "root" : name;
}

/** The UTC day (`YYYY-MM-DD`) a record belongs to, by the time it was received. */
export function rawDay(receivedAt: number): string {
  return new Date(receivedAt).toISOString().slice(0, 10);
}
