import type { RenderedBody } from "./send-rows.js";

export interface ResponseCacheOptions {
  /** Most answers kept (least recently used go first). Default 500. */
  readonly maxEntries?: number;
  /** Most bytes kept. Default 64 MiB. */
  readonly maxBytes?: number;
}

/**
 * Rendered answers by dataset version and request URL. A new spec version makes new keys, so a warm
 * answer is never stale; when the dataset cannot be reached, what is here is still served.
 */
export class ResponseCache {
  private readonly entries = new Map<string, RenderedBody>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(options: ResponseCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 500;
    this.maxBytes = options.maxBytes ?? 64 * 1024 ** 2;
  }

  get(key: string): RenderedBody | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert: Map keeps insertion order, so the first key is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** The newest answer to this URL under any dataset version (for serving while the dataset is down). */
  findAnyVersion(url: string): RenderedBody | undefined {
    let found: RenderedBody | undefined;
    for (const [key, value] of this.entries) if (key.endsWith(`|${url}`)) found = value;
    return found;
  }

  set(key: string, value: RenderedBody): void {
    if (value.body.length > this.maxBytes / 4) return;
    this.delete(key);
    this.entries.set(key, value);
    this.bytes += value.body.length;
    for (const [oldest, old] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.body.length;
    }
  }

  private delete(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.body.length;
  }
}
