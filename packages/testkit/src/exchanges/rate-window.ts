/** Usage counted in fixed windows aligned to the clock (Binance counts per calendar minute). */
export class RateWindow {
  private windowStart = 0;
  private readonly used = new Map<string, number>();

  constructor(readonly windowMs: number) {}

  private roll(clockMs: number): void {
    const start = Math.floor(clockMs / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used.clear();
    }
  }

  /** Adds `cost` to `key` and returns the new total in the current window. */
  add(key: string, clockMs: number, cost = 1): number {
    this.roll(clockMs);
    const total = (this.used.get(key) ?? 0) + cost;
    this.used.set(key, total);
    return total;
  }

  usedBy(key: string, clockMs: number): number {
    this.roll(clockMs);
    return this.used.get(key) ?? 0;
  }

  /** Whole seconds until the current window ends (at least 1). */
  secondsLeft(clockMs: number): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - clockMs) / 1000));
  }

  windowEndMs(clockMs: number): number {
    this.roll(clockMs);
    return this.windowStart + this.windowMs;
  }
}
