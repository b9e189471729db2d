import { WebSocket } from "ws";

export interface StreamMessage {
  op: string;
  topic?: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A websocket client of /v1/stream that keeps every message it got, and how it was closed. */
export interface StreamClient {
  readonly socket: WebSocket;
  readonly messages: StreamMessage[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  events(topic?: string): Record<string, unknown>[];
  waitFor(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function connectStream(serverUrl: string): Promise<StreamClient> {
  const socket = new WebSocket(`${serverUrl.replace(/^http/, "ws")}/v1/stream`);
  const messages: StreamMessage[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(data.toString()) as StreamMessage));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject)));
  return {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    events: (topic) =>
      messages
        .filter((m) => m.op === "event" && (topic === undefined || m.topic === topic))
        .map((m) => m.data!),
    waitFor: waitUntil,
  };
}
