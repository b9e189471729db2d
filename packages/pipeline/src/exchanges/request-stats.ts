/** Request accounting of one exchange during a run, for the report and the benchmark. */
export interface ExchangeRequestStats {
  /** HTTP requests sent (including retried ones). */
  requests: number;
  /** 429 answers seen. */
  rateLimited: number;
  /** 418 (IP ban) answers seen. */
  banned: number;
  /** 5xx answers seen. */
  serverErrors: number;
  /** Requests that ended without an answer (timeouts, resets). */
  transportErrors: number;
  /** Attempts retried after a NetworkError. */
  retries: number;
  /** Highest request weight the exchange reported for its current window (Binance X-MBX-USED-WEIGHT-1M). */
  peakWeight: number;
}

/** Accounting for every exchange of a run, keyed by exchange id. */
export class RequestStats {
  private readonly byExchange = new Map<string, ExchangeRequestStats>();

  of(exchange: string): ExchangeRequestStats {
    let stats = this.byExchange.get(exchange);
    if (!stats) {
      stats = {
        requests: 0,
        rateLimited: 0,
        banned: 0,
        serverErrors: 0,
        transportErrors: 0,
        retries: 0,
        peakWeight: 0,
      };
      this.byExchange.set(exchange, stats);
    }
    return stats;
  }

  /** A plain snapshot for JSON reports. */
  toJSON(): Record<string, ExchangeRequestStats> {
    return Object.fromEntries([...this.byExchange].map(([id, s]) => [id, { ...s }]));
  }
}
