import {
  CANDLE_TABLES,
  compareExchanges,
  parsePartitionPath,
  type DatasetSpec,
  type ExchangeInfoRow,
  type TokenInfoRow,
} from "@cexdata/schema";

/**
 * token_info rows for `bases`: which exchanges list each base (from exchange_info rows), how many
 * markets, the first and last stored candle (from the committed manifest), and a name where an
 * exchange gives one.
 */
export function deriveTokenInfo(p: {
  bases: readonly string[];
  exchangeInfo: readonly ExchangeInfoRow[];
  spec: DatasetSpec | null;
  names: (base: string) => string | null;
  nowMs: number;
}): TokenInfoRow[] {
  return p.bases.map((base) => {
    const markets = p.exchangeInfo.filter((r) => r.base === base);
    const exchanges = [...new Set(markets.map((r) => r.exchange))].sort(compareExchanges);
    let first: number | null = null;
    let last: number | null = null;
    for (const table of CANDLE_TABLES) {
      for (const file of p.spec?.tables[table]?.files ?? []) {
        if (parsePartitionPath(file.path)?.base !== base || file.rows === 0) continue;
        const min = file.min_ts === null ? null : Date.parse(file.min_ts);
        const max = file.max_ts === null ? null : Date.parse(file.max_ts);
        if (min !== null && (first === null || min < first)) first = min;
        if (max !== null && (last === null || max > last)) last = max;
      }
    }
    return {
      base,
      name: p.names(base),
      exchanges,
      markets: markets.length,
      first_ts: first,
      last_ts: last,
      updated_at: p.nowMs,
    };
  });
}
