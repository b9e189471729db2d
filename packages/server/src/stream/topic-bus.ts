/** Where a subscriber's messages go. `offer` must not block; false means the subscriber fell behind. */
export interface BusSink {
  offer(topic: string, event: StreamEvent): boolean;
  /** Called once when the bus drops the sink for falling behind. */
  dropped(reason: string): void;
}

/** A published event: the JSON-ready payload and the fields filters look at. */
export interface StreamEvent {
  readonly data: Record<string, unknown>;
  /** USD value (liquidations, large trades), for `minValueUsd`. */
  readonly valueUsd?: number;
  readonly exchange?: string;
  readonly symbol?: string;
}

export interface SubscriptionFilter {
  readonly minValueUsd?: number;
  readonly exchange?: string;
  readonly symbol?: string;
}

interface Subscription {
  readonly sink: BusSink;
  readonly filter: SubscriptionFilter;
}

function passes(filter: SubscriptionFilter, event: StreamEvent): boolean {
  if (filter.minValueUsd !== undefined && !((event.valueUsd ?? 0) >= filter.minValueUsd)) return false;
  if (filter.exchange !== undefined && event.exchange !== filter.exchange) return false;
  if (filter.symbol !== undefined && event.symbol !== filter.symbol) return false;
  return true;
}

/**
 * The in-process topic bus between live sources and websocket sessions. Publishing is a synchronous
 * loop of non-blocking `offer`s, so a publisher never waits; a sink that refuses (its bounded queue is
 * full) is removed from every topic and told why, and nobody else is slowed by it. A topic with no
 * subscribers is forgotten, so subscribe/unsubscribe cycles leave nothing behind.
 */
export class TopicBus {
  private readonly topics = new Map<string, Map<BusSink, Subscription>>();
  /** Events published per topic, for /v1/stream/topics and the live page. */
  readonly published = new Map<string, number>();

  subscribe(topic: string, sink: BusSink, filter: SubscriptionFilter = {}): void {
    let subs = this.topics.get(topic);
    if (!subs) this.topics.set(topic, (subs = new Map()));
    subs.set(sink, { sink, filter });
  }

  unsubscribe(topic: string, sink: BusSink): boolean {
    const subs = this.topics.get(topic);
    const removed = subs?.delete(sink) ?? false;
    if (subs && subs.size === 0) this.topics.delete(topic);
    return removed;
  }

  /** Removes a sink from every topic (its socket closed). */
  unsubscribeAll(sink: BusSink): void {
    for (const topic of [...this.topics.keys()]) this.unsubscribe(topic, sink);
  }

  publish(topic: string, event: StreamEvent): void {
    this.published.set(topic, (this.published.get(topic) ?? 0) + 1);
    const subs = this.topics.get(topic);
    if (!subs) return;
    const behind: BusSink[] = [];
    for (const { sink, filter } of subs.values()) {
      if (passes(filter, event) && !sink.offer(topic, event)) behind.push(sink);
    }
    for (const sink of behind) {
      this.unsubscribeAll(sink);
      sink.dropped(`too slow: its queue on ${topic} is full`);
    }
  }

  /** Subscriptions held on `topic` (or on every topic), for tests and /health: no leaks. */
  subscriberCount(topic?: string): number {
    if (topic !== undefined) return this.topics.get(topic)?.size ?? 0;
    let n = 0;
    for (const subs of this.topics.values()) n += subs.size;
    return n;
  }

  /** Topics with at least one subscriber. */
  get activeTopics(): number {
    return this.topics.size;
  }
}
