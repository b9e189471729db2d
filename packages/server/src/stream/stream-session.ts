import type { WebSocket } from "ws";
import type { BusSink, StreamEvent, TopicBus } from "./topic-bus.js";
import { parseClientMessage, StreamProtocolError, UnknownTopicError } from "./parse-client-message.js";

export interface StreamSessionOptions {
  /** Messages handed to the socket but not yet written out; past this the subscriber is dropped. Default 1000. */
  readonly maxQueued?: number;
  /** A heartbeat message this often (default 15 s). */
  readonly heartbeatMs?: number;
}

/** One event's wire text, serialised once however many subscribers it goes to. */
const wireText = new WeakMap<StreamEvent, string>();
function encodeEvent(topic: string, event: StreamEvent): string {
  let text = wireText.get(event);
  if (text === undefined)
    wireText.set(event, (text = JSON.stringify({ op: "event", topic, data: event.data })));
  return text;
}

/** Close codes: 1008 policy violation for garbage, 4008 for a subscriber too slow to keep. */
export const CLOSE_GARBAGE = 1008;
export const CLOSE_TOO_SLOW = 4008;

/**
 * One websocket client of `/v1/stream`: its subscriptions on the bus and its bounded queue. `ws`
 * queues what the kernel has not taken yet; the send callback counts it out, so `queued` is the
 * subscriber's backlog, and a backlog past `maxQueued` drops this subscriber alone.
 */
export function attachStreamSession(ws: WebSocket, bus: TopicBus, opts: StreamSessionOptions = {}): void {
  const maxQueued = opts.maxQueued ?? 1000;
  let queued = 0;
  let closed = false;
  const onSent = () => void queued--;
  const sendText = (text: string) => {
    if (closed || ws.readyState !== ws.OPEN) return;
    queued++;
    ws.send(text, onSent);
  };
  const send = (message: unknown) => sendText(JSON.stringify(message));
  const sink: BusSink = {
    offer(topic: string, event: StreamEvent) {
      if (closed) return true;
      if (queued >= maxQueued) return false;
      sendText(encodeEvent(topic, event));
      return true;
    },
    dropped(reason) {
      closed = true;
      // The close frame is queued behind the backlog: the subscriber gets it once it reads again; one
      // that never does is cut off after a grace period.
      ws.close(CLOSE_TOO_SLOW, reason.slice(0, 120));
      setTimeout(() => ws.terminate(), 10_000).unref();
    },
  };
  const heartbeat = setInterval(
    () => send({ op: "heartbeat", ts: new Date().toISOString() }),
    opts.heartbeatMs ?? 15_000,
  );
  heartbeat.unref();
  const closeWith = (code: number, reason: string) => {
    closed = true;
    bus.unsubscribeAll(sink);
    ws.close(code, reason.slice(0, 120));
  };

  ws.on("message", (data, isBinary) => {
    if (closed) return;
    try {
      if (isBinary) throw new StreamProtocolError("binary messages are not understood");
      const message = parseClientMessage(data.toString());
      if (message.op === "ping") return send({ op: "pong" });
      if (message.op === "unsubscribe") {
        bus.unsubscribe(message.topic, sink);
        return send({ op: "unsubscribed", topic: message.topic });
      }
      const { op: _op, topic, ...filter } = message;
      bus.subscribe(topic, sink, filter);
      send({ op: "subscribed", topic, filter });
    } catch (error) {
      if (error instanceof UnknownTopicError) {
        return send({ op: "error", error: error.name, message: error.message });
      }
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : "invalid message";
      closeWith(CLOSE_GARBAGE, reason);
    }
  });
  ws.on("close", () => {
    closed = true;
    clearInterval(heartbeat);
    bus.unsubscribeAll(sink);
  });
  ws.on("error", () => ws.terminate());
}
