const DAY = 86_400_000;
const STEP: Record<string, number> = { ohlcv_1m: 60_000, ohlcv_1h: 3_600_000, ohlcv_1d: DAY };

/**
 * Coverage counted the plain way, slot by slot over stored candle rows, as a check on what the
 * pipeline derives in SQL: for every (symbol, day) that has rows or a coverage row, the rows present,
 * the slots due while listed and closed (as of that coverage row's `updated_at`, the derivation's
 * present), the minutes of those missing, zero-volume rows from the delisting on, and whether the
 * market was listed all day. One exchange and market, as the tests use it.
 */
export function countCoverage(p: {
  table: "ohlcv_1m" | "ohlcv_1h" | "ohlcv_1d";
  rows: readonly Record<string, unknown>[];
  exchangeInfo: readonly Record<string, unknown>[];
  coverage: readonly Record<string, unknown>[];
}): Record<string, unknown>[] {
  const step = STEP[p.table]!;
  const bySeriesDay = new Map<string, Record<string, unknown>[]>();
  const keyOf = (symbol: string, day: number) => `${symbol}|${day}`;
  for (const r of p.rows) {
    const k = keyOf(String(r.symbol), Math.floor(Number(r.ts) / DAY) * DAY);
    bySeriesDay.set(k, [...(bySeriesDay.get(k) ?? []), r]);
  }
  const derivedAt = new Map<string, number>();
  for (const c of p.coverage.filter((c) => c.table_name === p.table)) {
    const k = keyOf(String(c.symbol), Number(c.day));
    derivedAt.set(k, Number(c.updated_at));
    if (!bySeriesDay.has(k)) bySeriesDay.set(k, []);
  }
  const out: { symbol: string; day: number; row: Record<string, unknown> }[] = [];
  for (const [k, rows] of bySeriesDay) {
    const [symbol = "", dayText = ""] = k.split("|");
    const day = Number(dayText);
    const info = p.exchangeInfo.find((i) => i.symbol === symbol);
    const listed = info?.listed_at === null || info === undefined ? -Infinity : Number(info.listed_at);
    const delisted = info?.delisted_at === null || info === undefined ? Infinity : Number(info.delisted_at);
    const nowMs = derivedAt.get(k) ?? NaN;
    let expected = 0;
    let due = 0;
    for (let t = day; t < day + DAY; t += step) {
      const isDue = t + step > listed && t < delisted && t + step <= nowMs;
      if (!isDue) continue;
      expected += 1;
      if (rows.some((r) => r.ts === t)) due += 1;
    }
    out.push({
      symbol,
      day,
      row: {
        key: `${symbol} ${new Date(day).toISOString().slice(0, 10)}`,
        expected,
        present: rows.length,
        missing_minutes: ((expected - due) * step) / 60_000,
        zombie_rows: rows.filter((r) => r.volume === 0 && Number(r.ts) >= delisted).length,
        listed_all_day: listed <= day && delisted >= day + DAY,
      },
    });
  }
  return out
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.day - b.day))
    .map((o) => o.row);
}
