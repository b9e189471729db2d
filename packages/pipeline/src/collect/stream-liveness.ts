import type { Exchange } from "ccxt";
import { SEAM_REASON } from "./coverage-windows.js";
import type { WriteAheadLog } from "./write-ahead-log.js";

interface CcxtClient {
  readonly isConnected?: boolean;
  /** When ccxt last opened this socket: it changes on every reconnect, even one no watch call saw. */
  readonly connectionEstablished?: number;
}

/**
 * Whether one exchange's stream is provably listening, logged as `up` / `alive` / `down` records
 * (the coverage windows). A window opens at the first event received, stays open only while ccxt's
 * socket is the same open socket, and closes at the last moment delivery was proven.
 */
export class StreamLiveness {
  private epoch: number | undefined;
  private lastProof: number | undefined;
  private connected = false;

  constructor(
    private readonly exchangeId: string,
    private readonly exchange: Exchange,
    private readonly wal: WriteAheadLog,
    private readonly now: () => number = Date.now,
  ) {}

  get isConnected(): boolean {
    return this.connected;
  }

  /** A watch call delivered; `firstEventTs` is the oldest new event in it. */
  onDelivery(firstEventTs: number): void {
    const epoch = this.currentEpoch();
    // ccxt reconnects behind a pending watch call: a new socket means the old window ended.
    if (this.connected && epoch !== this.epoch) this.markDown("reconnected");
    this.epoch = epoch;
    const now = this.now();
    if (!this.connected) {
      this.connected = true;
      this.wal.append({ t: "up", exchange: this.exchangeId, ts: Math.min(now, firstEventTs) });
    }
    this.lastProof = now;
  }

  /** Periodic proof of life: only while the socket that opened the window is still open. */
  onTick(): void {
    if (!this.connected) return;
    if (this.currentEpoch() !== this.epoch || !this.socketsOpen()) {
      this.markDown("disconnected");
      return;
    }
    this.lastProof = this.now();
    this.wal.append({ t: "alive", exchange: this.exchangeId, ts: this.lastProof });
  }

  markDown(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.wal.append({ t: "down", exchange: this.exchangeId, ts: this.lastProof ?? this.now(), reason });
  }

  /** Closes the window at a log seal and reopens it in the next file, so merged coverage spans the seam. */
  writeSeam(ts: number, side: "before" | "after"): void {
    if (!this.connected) return;
    if (side === "before") this.wal.append({ t: "down", exchange: this.exchangeId, ts, reason: SEAM_REASON });
    else this.wal.append({ t: "up", exchange: this.exchangeId, ts });
  }

  private clients(): CcxtClient[] {
    return Object.values(
      (this.exchange as unknown as { clients?: Record<string, CcxtClient> }).clients ?? {},
    );
  }

  private currentEpoch(): number | undefined {
    const opened = this.clients().map((c) => c.connectionEstablished ?? 0);
    return opened.length > 0 ? Math.max(...opened) : undefined;
  }

  private socketsOpen(): boolean {
    return this.clients().every((c) => c.isConnected !== false);
  }
}
