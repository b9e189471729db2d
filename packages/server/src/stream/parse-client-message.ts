/** A websocket message the server cannot read: not JSON, not an object, no known `op`, too large. */
export class StreamProtocolError extends Error {
  override readonly name = "StreamProtocolError";
}

/** A topic the server does not publish. */
export class UnknownTopicError extends Error {
  override readonly name = "UnknownTopicError";
}

export const FIXED_TOPICS = ["liquidations", "large_trades", "oi_spikes"] as const;
const CANDLE_INTERVALS = ["1m", "5m", "15m", "1h"] as const;

export type ClientMessage =
  | {
      readonly op: "subscribe";
      readonly topic: string;
      readonly minValueUsd?: number;
      readonly exchange?: string;
      readonly symbol?: string;
    }
  | { readonly op: "unsubscribe"; readonly topic: string }
  | { readonly op: "ping" };

const MAX_MESSAGE_BYTES = 4096;

/** `liquidations`, `large_trades`, `oi_spikes` or `candles:<exchange>:<symbol>:<interval>`. */
export function checkTopic(topic: string): string {
  if ((FIXED_TOPICS as readonly string[]).includes(topic)) return topic;
  const m =
    /^candles:([a-z0-9]{2,32}):([A-Z0-9]{1,20}\/[A-Z0-9]{1,20}(?::[A-Z0-9]{1,20})?):([0-9]{1,2}[mh])$/.exec(
      topic,
    );
  if (m && (CANDLE_INTERVALS as readonly string[]).includes(m[3]!)) return topic;
  throw new UnknownTopicError(
    `unknown topic ${JSON.stringify(topic.slice(0, 80))}: topics are ${FIXED_TOPICS.join(", ")} and candles:<exchange>:<symbol>:<${CANDLE_INTERVALS.join("|")}>`,
  );
}

function optionalString(m: Record<string, unknown>, key: string): string | undefined {
  const v = m[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length > 64) throw new StreamProtocolError(`${key} must be a short string`);
  return v;
}

/** Reads one client message, or throws StreamProtocolError (garbage) / UnknownTopicError. */
export function parseClientMessage(raw: string): ClientMessage {
  if (raw.length > MAX_MESSAGE_BYTES)
    throw new StreamProtocolError(`message over ${MAX_MESSAGE_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new StreamProtocolError("message is not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new StreamProtocolError("message is not a JSON object");
  const m = value as Record<string, unknown>;
  if (m.op === "ping") return { op: "ping" };
  if (m.op !== "subscribe" && m.op !== "unsubscribe")
    throw new StreamProtocolError(
      `unknown op ${JSON.stringify(String(m.op).slice(0, 32))}: subscribe, unsubscribe or ping`,
    );
  if (typeof m.topic !== "string") throw new StreamProtocolError("topic must be a string");
  const topic = checkTopic(m.topic);
  if (m.op === "unsubscribe") return { op: "unsubscribe", topic };
  const min = m.minValueUsd;
  if (min !== undefined && (typeof min !== "number" || !Number.isFinite(min) || min < 0))
    throw new StreamProtocolError("minValueUsd must be a non-negative number");
  const exchange = optionalString(m, "exchange");
  const symbol = optionalString(m, "symbol");
  return {
    op: "subscribe",
    topic,
    ...(min !== undefined && { minValueUsd: min as number }),
    ...(exchange !== undefined && { exchange }),
    ...(symbol !== undefined && { symbol }),
  };
}
